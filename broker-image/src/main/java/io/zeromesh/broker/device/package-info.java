/**
 * The ZMTP devices of the broker daemon: {@code queue} (ROUTER/DEALER), {@code forwarder}
 * (XSUB/XPUB) and {@code streamer} (PULL/PUSH), configured as docs/contracts.md says.
 *
 * <h2>Running one</h2>
 *
 * <p>As a process: {@code java -cp ... io.zeromesh.broker.Main queue --frontend-port=5559 ...}. It
 * logs to stderr (stdout is left to the probe's JSON result), one line per event, {@code
 * --log-format plain|json}; the configuration once ({@code event=config}, never the secret key),
 * then, once both device sockets are bound and the admin server listens, exactly one line {@code
 * event=ready mode=queue frontend=tcp://*:5559 backend=tcp://*:5560 admin=8080}. SIGTERM or SIGINT
 * stop it in order (TERMINATE through the inproc control socket, sockets closed with their linger,
 * threads joined, context terminated) and it exits 0, or 1 when that overran {@code
 * --shutdown-timeout-ms}. Exit 2: bad configuration (one line on stderr naming the flag); exit 1: a
 * port taken or the device thread failed.
 *
 * <p>In-process (tests, benchmarks): {@code Device d = Device.start(DeviceConfig.parse("queue",
 * args, Map.of()), log)} returns once the sockets are bound; {@link
 * io.zeromesh.broker.device.Device#metrics()} reads the counters, {@code d.shutdown()} stops it.
 * {@link io.zeromesh.broker.admin.AdminServer#start} adds the HTTP endpoints.
 *
 * <h2>Behaviour worth knowing</h2>
 *
 * <ul>
 *   <li>The device loop drains up to 256 messages per socket per pass without waiting and polls
 *       only when a pass moved nothing; counters are updated once per burst.
 *   <li>Back-pressure, not drops, towards queue and streamer workers: when no worker pipe can take
 *       a message the device holds it and stops reading the frontend, so senders queue at their own
 *       high-water mark (what zmq_proxy does). Replies to a ROUTER client whose pipe is full are
 *       dropped and counted ({@code reason="hwm"}); replies to a client that is gone are counted as
 *       {@code reason="refused"}.
 *   <li>Forwarder: subscribers that cannot keep up lose messages at their high-water mark (PUB
 *       semantics); JeroMQ does not report those, so they are not counted. Upstream sees each
 *       distinct topic once (subscribe on its first holder, unsubscribe when its last holder
 *       unsubscribes or disconnects); {@code zeromesh_subscriptions} is that distinct count.
 *   <li>Last-value cache: the latest message per topic (first frame), at most 10,000 topics and 64
 *       MiB, the least recently updated evicted first. A new subscription gets the cached messages
 *       it matches, written to that subscriber's pipe alone (others never see them again); with the
 *       cache on, the forwarder subscribes upstream to everything.
 *   <li>Welcome message: written to the new subscriber's pipe alone on its first subscription
 *       (JeroMQ has no XPUB_WELCOME_MSG); the subscriber must subscribe to its prefix to keep it.
 *   <li>Start gate: publishers' messages wait in a buffer until {@code --min-subscribers}
 *       subscribers hold a subscription, then leave in order; when the buffer is full the oldest is
 *       dropped ({@code reason="hwm"}, socket backend). While the gate is closed the forwarder
 *       subscribes upstream to everything; it withdraws that when the gate opens.
 *   <li>Upstream links ({@code --upstream}) are plaintext even when {@code --curve} is on: CURVE
 *       applies to the two bound sockets only. Upstreams without prefixes share one XSUB that
 *       carries the downstream subscriptions; each upstream with prefixes has its own SUB with that
 *       fixed filter. An upstream host name that does not resolve yet is retried every 2 s ({@code
 *       event=upstream_connect_failed}); once connected, ZeroMQ reconnects by itself.
 *   <li>Paused ({@code POST /pause}): neither messages nor subscriptions move; peers queue at their
 *       high-water marks until {@code POST /resume}.
 *   <li>{@code zeromesh_connected_peers} counts accepted connections (and, on the forwarder's
 *       frontend, upstream links) from socket monitor events.
 * </ul>
 *
 * <h2>JeroMQ 0.6.0 limits this works around or lives with</h2>
 *
 * <ul>
 *   <li>XPUB_MANUAL's {@code setsockopt(SUBSCRIBE)} drops a topic's first byte: the forwarder
 *       applies subscriptions to the XPUB's trie itself ({@link
 *       io.zeromesh.broker.device.XPubInternals}, checked at start-up).
 *   <li>A subscription queued at the instant another subscriber disconnects can lose its sender
 *       inside JeroMQ; the forwarder logs {@code event=subscription_lost} (the subscriber must
 *       subscribe again).
 *   <li>A JeroMQ client connection now and then stalls in its greeting (seen in tests against this
 *       device and against libzmq's zmq_proxy alike; libzmq clients never stall): upstream links
 *       reconnect when their greeting takes over 3 s (the default would be 30 s).
 *   <li>The server side reports no handshake failures: a plaintext peer of a CURVE socket is
 *       refused unseen; allow-list refusals are counted by the ZAP handler. A frame above {@code
 *       --max-msg-size} disconnects its peer, but JeroMQ does not say why, so {@code
 *       reason="oversize"} stays 0.
 * </ul>
 */
package io.zeromesh.broker.device;
