package io.ciorelay.simulator;

/** How the simulator fails requests during an outage window. */
public enum OutageMode {
  /** Answer every request with {@code 503 Service Unavailable}. */
  SERVICE_UNAVAILABLE,
  /** Drop the connection without any response, as a crashed or reset server would. */
  CONNECTION_RESET
}
