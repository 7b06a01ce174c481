package io.ciorelay.server.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ciorelay.client.Action;
import io.ciorelay.client.Operation;
import io.ciorelay.client.ValidationException;
import io.ciorelay.server.pipelines.PipelinesMapping;
import java.io.IOException;

/**
 * Segment-spec NDJSON rows ({@code --format segment}): one call per line (identify, track, page,
 * screen, group, alias), as a Data Pipelines or Segment export writes them, each mapped by
 * {@link PipelinesMapping} exactly as the relay's {@code /v1/batch} maps it; {@code --type},
 * {@code --id-column} and {@code --id-type} do not apply (each line names its type and ids).
 * An event without a messageId gets the importer's per-line id, so a resumed import sends it with
 * the same id. A track, page or screen with only an {@code anonymousId} is rejected: the v2 batch
 * the importer sends has no anonymous person (the relay's {@code /v1/batch} takes them). Not
 * thread-safe.
 */
final class SegmentRowParser extends RowParser {

  SegmentRowParser(EventIds eventIds) {
    super(ImportType.EVENT, "userId", io.ciorelay.client.IdentifierType.ID, eventIds);
  }

  @Override
  Row parse(RecordReader.Record r) {
    byte[] bytes = r.bytes();
    int from = r.start() == 0 && NdjsonRowParser.startsWithBom(bytes) ? 3 : 0;
    String text = new String(bytes, from, bytes.length - from, java.nio.charset.StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return null;
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return Row.rejected(r.line(), bytes, "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return Row.rejected(r.line(), bytes, "malformed JSON: " + e.getMessage());
    }
    PipelinesMapping.Mapped m;
    try {
      m = PipelinesMapping.map(root, null, null);
    } catch (ValidationException e) {
      return Row.rejected(r.line(), bytes, describe(e.violations()));
    }
    if (m.operation() == null) {
      return Row.rejected(r.line(), bytes, "userId: a " + root.path("type").asText() + " call with only anonymousId"
          + " cannot be imported (the Track API v2 batch has no anonymous person); send it through the relay's /v1/batch");
    }
    Operation op = m.operation();
    Action a = op.action();
    if ((a == Action.EVENT || a == Action.PAGE || a == Action.SCREEN) && op.id() == null) {
      op = op.withId(eventIds.idFor(r.line(), op.timestamp()));
    }
    return finish(r.line(), bytes, op);
  }
}
