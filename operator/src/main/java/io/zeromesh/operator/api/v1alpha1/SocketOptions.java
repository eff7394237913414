package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** ZMTP socket options of both device sockets. Unset options keep the daemon's defaults. */
public class SocketOptions {
  @JsonPropertyDescription("Send high-water mark, in messages (daemon default 1000).")
  @Min(0)
  private Integer sndhwm;

  @JsonPropertyDescription("Receive high-water mark, in messages (daemon default 1000).")
  @Min(0)
  private Integer rcvhwm;

  @JsonPropertyDescription(
      "ZMTP heartbeat interval in milliseconds; 0 turns heartbeats off (the daemon default).")
  @Min(0)
  private Integer heartbeatIntervalMs;

  @JsonPropertyDescription(
      "ZMTP heartbeat timeout in milliseconds; 0 means equal to the interval (daemon default).")
  @Min(0)
  private Integer heartbeatTimeoutMs;

  @JsonPropertyDescription(
      "ZMTP heartbeat TTL in milliseconds announced to peers; 0 is off (daemon default).")
  @Min(0)
  private Integer heartbeatTtlMs;

  @JsonPropertyDescription(
      "Largest accepted frame in bytes; a bigger frame drops that peer. -1 is unlimited (daemon"
          + " default).")
  @Min(-1)
  private Long maxMessageSize;

  @JsonPropertyDescription("Linger on shutdown in milliseconds (daemon default 1000).")
  @Min(0)
  private Integer lingerMs;

  @JsonPropertyDescription("TCP keepalive on every socket (daemon default true).")
  private Boolean tcpKeepalive;

  public Integer getSndhwm() {
    return sndhwm;
  }

  public void setSndhwm(Integer sndhwm) {
    this.sndhwm = sndhwm;
  }

  public Integer getRcvhwm() {
    return rcvhwm;
  }

  public void setRcvhwm(Integer rcvhwm) {
    this.rcvhwm = rcvhwm;
  }

  public Integer getHeartbeatIntervalMs() {
    return heartbeatIntervalMs;
  }

  public void setHeartbeatIntervalMs(Integer heartbeatIntervalMs) {
    this.heartbeatIntervalMs = heartbeatIntervalMs;
  }

  public Integer getHeartbeatTimeoutMs() {
    return heartbeatTimeoutMs;
  }

  public void setHeartbeatTimeoutMs(Integer heartbeatTimeoutMs) {
    this.heartbeatTimeoutMs = heartbeatTimeoutMs;
  }

  public Integer getHeartbeatTtlMs() {
    return heartbeatTtlMs;
  }

  public void setHeartbeatTtlMs(Integer heartbeatTtlMs) {
    this.heartbeatTtlMs = heartbeatTtlMs;
  }

  public Long getMaxMessageSize() {
    return maxMessageSize;
  }

  public void setMaxMessageSize(Long maxMessageSize) {
    this.maxMessageSize = maxMessageSize;
  }

  public Integer getLingerMs() {
    return lingerMs;
  }

  public void setLingerMs(Integer lingerMs) {
    this.lingerMs = lingerMs;
  }

  public Boolean getTcpKeepalive() {
    return tcpKeepalive;
  }

  public void setTcpKeepalive(Boolean tcpKeepalive) {
    this.tcpKeepalive = tcpKeepalive;
  }
}
