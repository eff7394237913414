/*
 * zmqbench: libzmq's side of `make bench` (broker-image/README.md, "Benchmark").
 *
 *   zmqbench proxy queue|forwarder|streamer FRONTEND BACKEND
 *       libzmq's own zmq_proxy with the sockets our device of that mode binds
 *       (ROUTER/DEALER, XSUB/XPUB, PULL/PUSH), default options, until SIGTERM.
 *   zmqbench thr MODE FRONTEND BACKEND SIZE COUNT MAX_SECONDS PRODUCERS CONSUMERS [WINDOW]
 *       MODE queue|forwarder|streamer through a device, or direct-queue|direct-forwarder|
 *       direct-streamer with the same sockets and no device (the producers bind an ephemeral port
 *       each, the consumers connect to all of them; FRONTEND and BACKEND are ignored).
 *       streamer: PUSH producers -> PULL consumers (round robin), each message delivered once.
 *       forwarder: XPUB producers (no-drop, each waits for a subscription) -> SUB consumers of
 *       everything; each message is delivered to every consumer.
 *       queue: asynchronous DEALER clients send [empty, body] with up to WINDOW (default 100)
 *       requests outstanding each, DEALER workers echo every frame back; "delivered" are replies.
 *       COUNT messages in all (split over the producers), each producer stopping after MAX_SECONDS.
 *       Prints "thr received=N expected=N elapsed_us=T" (first to last delivery, all consumers).
 *   zmqbench lat queue|direct FRONTEND BACKEND SIZE COUNT
 *       round trips: REQ client -> FRONTEND, REP echo worker on BACKEND (direct: REQ to REP).
 *       Prints "lat count=N mean_us=M p50_us=A p99_us=B".
 *   zmqbench peers MODE FRONTEND BACKEND PEERS SECONDS
 *       PEERS connected peers: queue, PEERS-1 DEALER clients (one request outstanding each) and
 *       one echo worker; forwarder, one XPUB publisher and PEERS-1 subscribers of everything;
 *       streamer, one PUSH and PEERS-1 PULL. It connects them, waits for a line on stdin (the
 *       caller saw them all connected), then moves 100 B messages for SECONDS.
 *       Prints "peers connected=N delivered=M".
 *   zmqbench version
 *
 * Built by BenchMain with gcc -O2 ... -lzmq -lpthread.
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

#define IDLE_MS 2000 /* a consumer that saw nothing for this long gives up (drops happen) */
#define MAXN 16

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
static int is(const char *a, const char *b) { return strcmp(a, b) == 0; }
static void msleep(int ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

typedef struct {
  const char *mode; /* queue, forwarder, streamer */
  int direct;
  const char *front, *back;
  int size, producers, consumers, window;
  long count;
  int64_t max_us;
  char endpoints[MAXN][256]; /* direct: what each producer bound */
  volatile int bound;        /* direct: producers bound so far */
  char worker_endpoints[MAXN][256]; /* direct queue: what each worker bound */
  volatile int worker_slots, workers_bound;
  volatile int consumers_ready;
  volatile long sent, delivered;
  volatile int producers_sent, producers_done, consumers_done, stop;
  volatile int64_t first_us, last_us;
} job_t;

static void note_delivery(job_t *j) {
  int64_t t = now_us();
  int64_t zero = 0;
  __atomic_compare_exchange_n(&j->first_us, &zero, t, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  __atomic_store_n(&j->last_us, t, __ATOMIC_SEQ_CST);
  __atomic_add_fetch(&j->delivered, 1, __ATOMIC_SEQ_CST);
}
static long expected(job_t *j) {
  return is(j->mode, "forwarder") ? j->sent * j->consumers : j->sent;
}
static void wait_bound(job_t *j) {
  while (j->direct && j->bound < j->producers) msleep(1);
}
static void connect_all(job_t *j, void *s, const char *ep) {
  if (!j->direct) {
    attach(s, ep, 0);
    return;
  }
  for (int i = 0; i < j->producers; i++) attach(s, j->endpoints[i], 0);
}

/* forwarder/streamer consumer, or queue worker (echo) */
static void *consumer(void *arg) {
  job_t *j = arg;
  int queue = is(j->mode, "queue");
  void *s;
  if (is(j->mode, "forwarder")) {
    s = sock(ZMQ_SUB);
    zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);
  } else if (queue) {
    s = sock(ZMQ_DEALER);
  } else {
    s = sock(ZMQ_PULL);
  }
  if (queue && j->direct) {
    int k = __atomic_fetch_add(&j->worker_slots, 1, __ATOMIC_SEQ_CST);
    attach(s, "tcp://127.0.0.1:*", 1);
    size_t len = sizeof j->worker_endpoints[0];
    zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, j->worker_endpoints[k], &len);
    __atomic_add_fetch(&j->workers_bound, 1, __ATOMIC_SEQ_CST);
  } else {
    wait_bound(j);
    connect_all(j, s, j->back);
  }
  int timeout = queue ? 200 : IDLE_MS;
  zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  __atomic_add_fetch(&j->consumers_ready, 1, __ATOMIC_SEQ_CST);
  zmq_msg_t m;
  zmq_msg_init(&m);
  int64_t waited = now_us();
  while (!j->stop) {
    if (!queue && j->producers_done && j->delivered >= expected(j)) break;
    int more = 1, got = 0;
    while (more) {
      if (zmq_msg_recv(&m, s, 0) < 0) break;
      got = 1;
      more = zmq_msg_more(&m);
      if (queue && zmq_msg_send(&m, s, more ? ZMQ_SNDMORE : 0) < 0) die("echo");
    }
    if (!got) {
      if (queue) continue;
      if (j->delivered > 0 || now_us() - waited > 30 * 1000000LL) break;
      continue;
    }
    if (!queue) note_delivery(j);
  }
  zmq_msg_close(&m);
  zmq_close(s);
  return NULL;
}

typedef struct {
  job_t *j;
  int index;
} pctx_t;

static void *producer(void *arg) {
  pctx_t *pc = arg;
  job_t *j = pc->j;
  int queue = is(j->mode, "queue"), fwd = is(j->mode, "forwarder");
  void *s;
  if (fwd) {
    s = sock(ZMQ_XPUB);
    int nodrop = 1; /* the producer waits for its own pipe; drops, if any, are the device's */
    zmq_setsockopt(s, ZMQ_XPUB_NODROP, &nodrop, sizeof nodrop);
    int verbose = 1; /* direct: every subscriber's subscription, to wait for all of them */
    zmq_setsockopt(s, ZMQ_XPUB_VERBOSE, &verbose, sizeof verbose);
  } else if (queue) {
    s = sock(ZMQ_DEALER);
  } else {
    s = sock(ZMQ_PUSH);
  }
  if (j->direct && !queue) {
    attach(s, "tcp://127.0.0.1:*", 1);
    size_t len = sizeof j->endpoints[0];
    zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, j->endpoints[pc->index], &len);
    __atomic_add_fetch(&j->bound, 1, __ATOMIC_SEQ_CST);
  }
  if (queue && j->direct) {
    while (j->workers_bound < j->consumers) msleep(1);
    for (int i = 0; i < j->consumers; i++) attach(s, j->worker_endpoints[i], 0);
  } else if (!j->direct) {
    attach(s, j->front, 0);
  }
  while (j->consumers_ready < j->consumers) msleep(1);
  if (fwd) { /* wait (bounded) for every subscription to come up */
    int timeout = 30000;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    char sub[256];
    int need = j->direct ? j->consumers : 1; /* a device sends its subscription once */
    for (int i = 0; i < need; i++)
      if (zmq_recv(s, sub, sizeof sub, 0) < 0) die("no subscription reached the publisher");
  }
  if (!j->direct) msleep(200); /* every peer of the device connected (and subscribed) */
  long quota = j->count / j->producers;
  char *body = malloc(j->size);
  memset(body, 'x', j->size);
  int64_t start = now_us();
  if (!queue) {
    for (long i = 0; i < quota; i++) {
      if ((i & 1023) == 0 && now_us() - start > j->max_us) break; /* bounded in time */
      if (zmq_send(s, body, j->size, 0) < 0) die("send");
      __atomic_add_fetch(&j->sent, 1, __ATOMIC_SEQ_CST);
    }
  } else {
    long sent = 0, got = 0;
    int timeout = IDLE_MS;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_msg_t m;
    zmq_msg_init(&m);
    int done = 0;
    while (!done || got < sent) {
      while (!done && sent - got < j->window) {
        if (sent >= quota || ((sent & 1023) == 0 && now_us() - start > j->max_us)) {
          done = 1;
          break;
        }
        zmq_send(s, "", 0, ZMQ_SNDMORE);
        if (zmq_send(s, body, j->size, 0) < 0) die("send");
        sent++;
        __atomic_add_fetch(&j->sent, 1, __ATOMIC_SEQ_CST);
      }
      if (got >= sent) break;
      int more = 1, ok = 0;
      while (more) {
        if (zmq_msg_recv(&m, s, 0) < 0) break;
        ok = 1;
        more = zmq_msg_more(&m);
      }
      if (!ok) break; /* a reply did not come within IDLE_MS: lost */
      got++;
      note_delivery(j);
    }
    zmq_msg_close(&m);
  }
  free(body);
  __atomic_add_fetch(&j->producers_sent, 1, __ATOMIC_SEQ_CST);
  while (!j->consumers_done) msleep(1); /* linger 0: closing now would drop what is queued */
  zmq_close(s);
  return NULL;
}

static void run_thr(job_t *j) {
  pthread_t p[MAXN], c[MAXN];
  pctx_t pc[MAXN];
  int queue = is(j->mode, "queue");
  for (int i = 0; i < j->producers; i++) {
    pc[i].j = j;
    pc[i].index = i;
  }
  for (int i = 0; i < j->consumers; i++) pthread_create(&c[i], NULL, consumer, j);
  for (int i = 0; i < j->producers; i++) pthread_create(&p[i], NULL, producer, &pc[i]);
  while (j->producers_sent < j->producers) msleep(1);
  j->producers_done = 1;
  if (queue) j->stop = 1;
  for (int i = 0; i < j->consumers; i++) pthread_join(c[i], NULL);
  j->consumers_done = 1;
  for (int i = 0; i < j->producers; i++) pthread_join(p[i], NULL);
  printf("thr received=%ld expected=%ld elapsed_us=%lld\n", j->delivered, expected(j),
         (long long)(j->last_us - j->first_us));
}

static volatile int echo_stop;
static void *echo(void *arg) {
  job_t *j = arg;
  void *s = sock(ZMQ_REP);
  attach(s, j->direct ? j->front : j->back, j->direct);
  int timeout = 200;
  zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  j->consumers_ready = 1;
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
  while (!j->consumers_ready) msleep(1);
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

/* PEERS connected peers, 100 B messages for SECONDS, all sockets of a side in one thread. */
static void run_peers(const char *mode, const char *front, const char *back, int peers,
                      double seconds) {
  int n = peers - 1, queue = is(mode, "queue"), fwd = is(mode, "forwarder");
  void **many = calloc(n, sizeof *many);
  zmq_pollitem_t *items = calloc(n + 1, sizeof *items);
  char body[100];
  memset(body, 'x', sizeof body);
  for (int i = 0; i < n; i++) {
    many[i] = sock(queue ? ZMQ_DEALER : fwd ? ZMQ_SUB : ZMQ_PULL);
    if (fwd) zmq_setsockopt(many[i], ZMQ_SUBSCRIBE, "", 0);
    attach(many[i], queue ? front : back, 0);
    items[i].socket = many[i];
    items[i].events = ZMQ_POLLIN;
  }
  void *one = sock(queue ? ZMQ_DEALER : fwd ? ZMQ_XPUB : ZMQ_PUSH);
  attach(one, queue ? back : front, 0);
  items[n].socket = NULL; /* wait for the go line, letting every socket connect meanwhile */
  items[n].fd = 0;
  items[n].events = ZMQ_POLLIN;
  int64_t give_up = now_us() + 120 * 1000000LL;
  while (now_us() < give_up) {
    if (zmq_poll(items, n + 1, 100) > 0 && (items[n].revents & ZMQ_POLLIN)) break;
    zmq_poll(&(zmq_pollitem_t){one, 0, ZMQ_POLLIN, 0}, 1, 0);
  }
  int64_t end = now_us() + (int64_t)(seconds * 1e6);
  long delivered = 0;
  zmq_msg_t m;
  zmq_msg_init(&m);
  if (queue) {
    for (int i = 0; i < n; i++) {
      zmq_send(many[i], "", 0, ZMQ_SNDMORE);
      zmq_send(many[i], body, sizeof body, 0);
    }
  }
  while (now_us() < end) {
    if (queue) { /* the worker echoes what is there */
      int more = 1;
      while (more && zmq_msg_recv(&m, one, ZMQ_DONTWAIT) >= 0) {
        more = zmq_msg_more(&m);
        zmq_msg_send(&m, one, more ? ZMQ_SNDMORE : 0);
      }
    } else {
      for (int k = 0; k < 64; k++) zmq_send(one, body, sizeof body, ZMQ_DONTWAIT);
    }
    if (zmq_poll(items, n, 0) > 0) {
      for (int i = 0; i < n; i++) {
        if (!(items[i].revents & ZMQ_POLLIN)) continue;
        int more = 1;
        while (more && zmq_msg_recv(&m, many[i], ZMQ_DONTWAIT) >= 0) more = zmq_msg_more(&m);
        delivered++;
        if (queue) {
          zmq_send(many[i], "", 0, ZMQ_SNDMORE);
          zmq_send(many[i], body, sizeof body, 0);
        }
      }
    }
  }
  printf("peers connected=%d delivered=%ld\n", peers, delivered);
  fflush(stdout);
  _exit(0);
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
    fprintf(stderr, "usage: zmqbench proxy|thr|lat|peers MODE FRONTEND BACKEND ...\n");
    return 2;
  }
  ctx = zmq_ctx_new();
  zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 4096);
  if (is(argv[1], "proxy")) {
    run_proxy(argv[2], argv[3], argv[4]);
    return 0;
  }
  if (is(argv[1], "peers") && argc >= 7) {
    run_peers(argv[2], argv[3], argv[4], atoi(argv[5]), atof(argv[6]));
    return 0;
  }
  static job_t j;
  if (argc < 7) {
    fprintf(stderr, "zmqbench: SIZE and COUNT needed\n");
    return 2;
  }
  j.mode = argv[2];
  if (strncmp(j.mode, "direct-", 7) == 0) {
    j.direct = 1;
    j.mode += 7;
  }
  j.front = argv[3];
  j.back = argv[4];
  j.size = atoi(argv[5]);
  j.count = atol(argv[6]);
  if (is(argv[1], "thr")) {
    j.max_us = (int64_t)((argc > 7 ? atof(argv[7]) : 5.0) * 1e6);
    j.producers = argc > 8 ? atoi(argv[8]) : 1;
    j.consumers = argc > 9 ? atoi(argv[9]) : 1;
    j.window = argc > 10 ? atoi(argv[10]) : 100;
    if (j.producers < 1 || j.producers > MAXN || j.consumers < 1 || j.consumers > MAXN) {
      fprintf(stderr, "zmqbench: 1..%d producers and consumers\n", MAXN);
      return 2;
    }
    run_thr(&j);
  } else if (is(argv[1], "lat")) {
    j.direct = is(argv[2], "direct");
    run_lat(&j);
  } else {
    fprintf(stderr, "zmqbench: unknown command %s\n", argv[1]);
    return 2;
  }
  fflush(stdout);
  _exit(0); /* skip zmq_ctx_term: sockets closed, lingering is not the point */
}
