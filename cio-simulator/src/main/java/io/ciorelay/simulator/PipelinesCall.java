package io.ciorelay.simulator;

/**
 * One Data Pipelines (Segment-spec) call the simulator accepted. Immutable and thread-safe.
 *
 * @param sequence    position in the Pipelines record, from 0
 * @param type        identify, track, page, screen, group or alias
 * @param userId      the userId as text, or null
 * @param anonymousId the anonymousId, or null
 * @param messageId   the messageId, or null
 * @param event       the track event name, or null
 * @param name        the page or screen name, or null
 * @param groupId     the group id, or null
 * @param previousId  the alias previousId, or null
 * @param retryCount  the request's {@code X-Retry-Count}, 0 when absent
 * @param json        the call as sent (with the batch's {@code context} not merged in)
 */
public record PipelinesCall(long sequence, String type, String userId, String anonymousId, String messageId,
    String event, String name, String groupId, String previousId, int retryCount, String json) {

  /** The person the call is about: its userId, else its anonymousId. */
  public String person() {
    return userId != null ? userId : anonymousId;
  }
}
