/**
 * The Customer.io Track API client: typed requests for v1 and v2, the batch endpoint, and the
 * outcome of each call. Only {@code io.ciorelay.client} is the API.
 */
module io.ciorelay.client {
  requires transitive com.fasterxml.jackson.databind;
  requires transitive java.net.http;

  exports io.ciorelay.client;
}
