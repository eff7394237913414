/**
 * Running a device of the broker daemon: {@code queue} (ROUTER/DEALER), {@code forwarder}
 * (XSUB/XPUB) and {@code streamer} (PULL/PUSH), configured as docs/contracts.md says. The devices
 * themselves are in {@link io.zeromesh.broker.engine} (on the protocol of {@link
 * io.zeromesh.broker.zmtp}); this package holds what runs one: the validated configuration ({@link
 * io.zeromesh.broker.device.DeviceConfig}, one flag table), the metrics ({@link
 * io.zeromesh.broker.device.DeviceMetrics}) and the process lifecycle ({@link
 * io.zeromesh.broker.device.DeviceMain}).
 *
 * <h2>Running one</h2>
 *
 * <p>As a process: {@code java -jar zeromesh-broker.jar queue --frontend-port=5559 ...}. It logs to
 * stderr (stdout is left to the probe's JSON result), one line per event, {@code --log-format
 * plain|json}; the configuration once ({@code event=config}, never the secret key), then, once both
 * device sockets are bound and the admin server listens, exactly one line {@code event=ready
 * mode=queue frontend=tcp://*:5559 backend=tcp://*:5560 admin=8080}. SIGTERM or SIGINT stop it in
 * order (listeners closed, reading stopped, written messages given {@code --linger-ms}, connections
 * closed, the event loop ended) and it exits 0, or 1 when that overran {@code
 * --shutdown-timeout-ms}. Exit 2: bad configuration (one line on stderr naming the flag); exit 1: a
 * port taken or the device failed.
 *
 * <p>In-process (tests): {@code ZmtpDevice d = ZmtpDevice.start(DeviceConfig.parse("queue", args,
 * Map.of()), log)} returns once the sockets are bound; {@code d.metrics()} reads the counters,
 * {@code d.shutdown()} stops it. {@link io.zeromesh.broker.admin.AdminServer#start} adds the HTTP
 * endpoints.
 */
package io.zeromesh.broker.device;
