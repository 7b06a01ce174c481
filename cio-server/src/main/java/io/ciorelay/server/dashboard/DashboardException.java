package io.ciorelay.server.dashboard;

/**
 * A dashboard request refused with an HTTP status, a field (or empty) and a message for the
 * person; rendered as {@code {"error":code,"field":…,"message":…}}. Immutable.
 */
final class DashboardException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;
  final String code;
  final String field;

  DashboardException(int status, String code, String field, String message) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  static DashboardException badRequest(String field, String message) {
    return new DashboardException(400, "invalid", field, message);
  }
}
