/*
 * zmqbench: libzmq's side of `make bench` (broker-image/README.md, "Benchmark").
 *
 *   zmqbench proxy queue|forwarder|streamer FRONTEND BACKEND
 *       libzmq's own zmq_proxy with the sockets our device of that mode binds
 *       (ROUTER/DEALER, XSUB/XPUB, PULL/PUSH), default options, until SIGTERM.
 *   zmqbench thr queue|forwarder|streamer|direct FRONTEND BACKEND SIZE COUNT [MAX_SECONDS]
 *       one-way throughput: a sender thread connects to FRONTEND (direct: binds it), a receiver
 *       thread connects to BACKEND (direct: FRONTEND), COUNT messages of SIZE bytes, the sender
 *       stopping early after MAX_SECONDS (default 5).
 *       Prints "thr received=N sent=N elapsed_us=T".
 *   zmqbench version
 *       libzmq's version.
 *   zmqbench lat queue|direct FRONTEND BACKEND SIZE COUNT
 *       round trips: REQ client -> FRONTEND, REP echo worker on BACKEND (direct: REQ to REP).
 *       Prints "lat count=N mean_us=M p50_us=A p99_us=B".
 *
 * The same message patterns as the Java load generator (io.zeromesh.broker.bench.JeromqLoad), so
 * either drives every target alike. Built by BenchMain with gcc -O2 ... -lzmq -lpthread.
 */
#include <zmq.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IDLE_MS 2000 /* a receiver that saw nothing for this long gives up (drops happen) */

static void *ctx;
static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
static void die(const char *what) {
  fprintf(stderr, "zmqbench: %s: %s\n", what, zmq_strerror(zmq_errno()));
  exit(1);
}
static void *sock(int type) {
  void *s = zmq_socket(ctx, type);
  if (!s) die("zmq_socket");
  int linger = 0;
  zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
  return s;
}
static void attach(void *s, const char *ep, int bind) {
  if ((bind ? zmq_bind(s, ep) : zmq_connect(s, ep)) != 0) die(ep);
}

typedef struct {
  const char *mode, *front, *back;
  int size;
  long count, received;
  volatile long sent;
  volatile int sender_done;
  int64_t first_us, last_us, max_us;
  volatile int receiver_ready;
} job_t;

static int is(const char *a, const char *b) { return strcmp(a, b) == 0; }

static void *receiver(void *arg) {
  job_t *j = arg;
  int direct = is(j->mode, "direct");
  void *s;
  if (is(j->mode, "forwarder")) {
    s = sock(ZMQ_SUB);
    zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);
  } else if (is(j->mode, "queue")) {
    s = sock(ZMQ_DEALER);
  } else {
    s = sock(ZMQ_PULL);
  }
  attach(s, direct ? j->front : j->back, 0);
  int timeout = IDLE_MS;
  zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  j->receiver_ready = 1;
  zmq_msg_t m;
  zmq_msg_init(&m);
  while (j->received < (j->sender_done ? j->sent : j->count)) {
    int more = 1;
    int got = 0;
    while (more) {
      if (zmq_msg_recv(&m, s, 0) < 0) break;
      got = 1;
      more = zmq_msg_more(&m);
    }
    if (!got) {
      if (j->received > 0 || now_us() - j->first_us > 30 * 1000000LL) break;
      if (j->first_us == 0) j->first_us = now_us(); /* waiting for the first one, bounded */
      continue;
    }
    if (j->received == 0) j->first_us = now_us();
    j->received++;
    j->last_us = now_us();
  }
  zmq_msg_close(&m);
  zmq_close(s);
  return NULL;
}

static void run_thr(job_t *j) {
  int direct = is(j->mode, "direct");
  void *s;
  if (is(j->mode, "forwarder")) {
    s = sock(ZMQ_XPUB);
    int nodrop = 1; /* the sender waits for its own pipe; drops, if any, are the device's */
    zmq_setsockopt(s, ZMQ_XPUB_NODROP, &nodrop, sizeof nodrop);
  } else if (is(j->mode, "queue")) {
    s = sock(ZMQ_DEALER);
  } else {
    s = sock(ZMQ_PUSH);
  }
  attach(s, j->front, direct);
  pthread_t t;
  j->first_us = 0;
  pthread_create(&t, NULL, receiver, j);
  while (!j->receiver_ready) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  if (is(j->mode, "forwarder")) { /* wait (bounded) for the subscription to come up */
    int timeout = 30000;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    char sub[256];
    if (zmq_recv(s, sub, sizeof sub, 0) < 0) die("no subscription reached the publisher");
  }
  char *body = malloc(j->size);
  memset(body, 'x', j->size);
  int64_t start = now_us();
  for (long i = 0; i < j->count; i++) {
    if ((i & 1023) == 0 && now_us() - start > j->max_us) break; /* bounded in time */
    if (is(j->mode, "queue")) zmq_send(s, "", 0, ZMQ_SNDMORE);
    if (zmq_send(s, body, j->size, 0) < 0) die("send");
    j->sent++;
  }
  j->sender_done = 1;
  pthread_join(t, NULL);
  free(body);
  zmq_close(s);
  printf("thr received=%ld sent=%ld elapsed_us=%lld\n", j->received, j->sent,
         (long long)(j->last_us - j->first_us));
}

static volatile int echo_stop;
static void *echo(void *arg) {
  job_t *j = arg;
  int direct = is(j->mode, "direct");
  void *s = sock(ZMQ_REP);
  attach(s, direct ? j->front : j->back, direct);
  int timeout = 200;
  zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  j->receiver_ready = 1;
  zmq_msg_t m;
  zmq_msg_init(&m);
  while (!echo_stop) {
    if (zmq_msg_recv(&m, s, 0) < 0) continue;
    zmq_msg_send(&m, s, 0);
  }
  zmq_msg_close(&m);
  zmq_close(s);
  return NULL;
}
static int cmp64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static void run_lat(job_t *j) {
  pthread_t t;
  pthread_create(&t, NULL, echo, j);
  while (!j->receiver_ready) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  void *s = sock(ZMQ_REQ);
  attach(s, j->front, 0);
  int timeout = 10000;
  zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  char *body = malloc(j->size);
  memset(body, 'x', j->size);
  int64_t *rtt = calloc(j->count, sizeof *rtt);
  long n = 0;
  double sum = 0;
  for (long i = 0; i < j->count; i++) {
    int64_t t0 = now_us();
    if (zmq_send(s, body, j->size, 0) < 0) die("send");
    if (zmq_recv(s, body, j->size, 0) < 0) break;
    rtt[n] = now_us() - t0;
    sum += rtt[n++];
  }
  echo_stop = 1;
  pthread_join(t, NULL);
  qsort(rtt, n, sizeof *rtt, cmp64);
  printf("lat count=%ld mean_us=%.1f p50_us=%lld p99_us=%lld\n", n, n ? sum / n : 0.0,
         (long long)(n ? rtt[n / 2] : 0), (long long)(n ? rtt[(long)(n * 0.99)] : 0));
  free(body);
  free(rtt);
  zmq_close(s);
}

static void run_proxy(const char *mode, const char *front, const char *back) {
  int ft, bt;
  if (is(mode, "queue")) { ft = ZMQ_ROUTER; bt = ZMQ_DEALER; }
  else if (is(mode, "forwarder")) { ft = ZMQ_XSUB; bt = ZMQ_XPUB; }
  else if (is(mode, "streamer")) { ft = ZMQ_PULL; bt = ZMQ_PUSH; }
  else { fprintf(stderr, "zmqbench: unknown proxy mode %s\n", mode); exit(2); }
  void *f = sock(ft), *b = sock(bt);
  attach(f, front, 1);
  attach(b, back, 1);
  fprintf(stderr, "zmqbench proxy %s ready\n", mode);
  zmq_proxy(f, b, NULL); /* returns when the context is terminated (SIGTERM ends the process) */
}

int main(int argc, char **argv) {
  if (argc == 2 && is(argv[1], "version")) {
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    printf("%d.%d.%d\n", major, minor, patch);
    return 0;
  }
  if (argc < 5) {
    fprintf(stderr, "usage: zmqbench proxy|thr|lat MODE FRONTEND BACKEND [SIZE COUNT]\n");
    return 2;
  }
  ctx = zmq_ctx_new();
  if (is(argv[1], "proxy")) {
    run_proxy(argv[2], argv[3], argv[4]);
    return 0;
  }
  if (argc < 7) {
    fprintf(stderr, "zmqbench: SIZE and COUNT needed\n");
    return 2;
  }
  job_t j = {argv[2], argv[3], argv[4], atoi(argv[5]), atol(argv[6]), 0, 0, 0, 0, 0, 0, 0};
  j.max_us = (int64_t)((argc > 7 ? atof(argv[7]) : 5.0) * 1e6);
  if (is(argv[1], "thr")) run_thr(&j);
  else if (is(argv[1], "lat")) run_lat(&j);
  else { fprintf(stderr, "zmqbench: unknown command %s\n", argv[1]); return 2; }
  fflush(stdout);
  _exit(0); /* skip zmq_ctx_term: sockets closed, lingering is not the point */
}
