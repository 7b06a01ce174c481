package io.ciorelay.simulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;

/**
 * One v2 operation read from a streaming parser without building a tree of its attributes: small
 * fields (identifiers, device, merge parties, relationships) become trees, while the attributes
 * object is checked while it streams past (count, name and value sizes) and kept as the exact
 * bytes that were sent. This keeps parsing of a 500 KB batch cheap and the record compact.
 * Not thread-safe; one per operation.
 */
final class ParsedOperation {
  boolean object = true;
  long startOffset;
  long endOffset;
  JsonNode type;
  JsonNode action;
  JsonNode name;
  JsonNode id;
  JsonNode timestamp;
  JsonNode identifiers;
  JsonNode device;
  JsonNode relationships;
  JsonNode primary;
  JsonNode secondary;
  /** Token that started the attributes value; null when absent. */
  JsonToken attributesToken;
  byte[] attributesJson;
  /** Attribute-limit problems (only meaningful for identify). */
  final Problems attributeProblems = new Problems();

  /** Reads the value at the parser's current token (an operation) up to its end. */
  static ParsedOperation read(JsonParser p, byte[] body) throws IOException {
    ParsedOperation op = new ParsedOperation();
    op.startOffset = p.currentTokenLocation().getByteOffset();
    if (p.currentToken() != JsonToken.START_OBJECT) {
      op.object = false;
      p.skipChildren();
      op.endOffset = p.currentLocation().getByteOffset();
      return op;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "type": op.type = node(p, t); break;
        case "action": op.action = node(p, t); break;
        case "name": op.name = node(p, t); break;
        case "id": op.id = node(p, t); break;
        case "timestamp": op.timestamp = node(p, t); break;
        case "identifiers": op.identifiers = node(p, t); break;
        case "device": op.device = node(p, t); break;
        case "cio_relationships": op.relationships = node(p, t); break;
        case "primary": op.primary = node(p, t); break;
        case "secondary": op.secondary = node(p, t); break;
        case "attributes": op.readAttributes(p, t, body); break;
        default: p.skipChildren(); break;
      }
    }
    op.endOffset = p.currentLocation().getByteOffset();
    return op;
  }

  /**
   * Builds a tree for the value at the current token directly, without ObjectMapper's per-call
   * deserialization context (several times faster for the small values read here). Nesting depth
   * is bounded by the parser's constraints.
   */
  static JsonNode node(JsonParser p, JsonToken t) throws IOException {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (t) {
      case VALUE_STRING:
        return f.textNode(p.getText());
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? f.numberNode(p.getBigIntegerValue())
            : f.numberNode(p.getLongValue());
      case VALUE_NUMBER_FLOAT:
        return f.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return f.booleanNode(true);
      case VALUE_FALSE:
        return f.booleanNode(false);
      case VALUE_NULL:
        return f.nullNode();
      case START_OBJECT: {
        ObjectNode o = f.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          o.set(name, node(p, p.nextToken()));
        }
        return o;
      }
      case START_ARRAY: {
        ArrayNode a = f.arrayNode();
        JsonToken v;
        while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
          a.add(node(p, v));
        }
        return a;
      }
      default:
        return p.readValueAsTree();
    }
  }

  private void readAttributes(JsonParser p, JsonToken t, byte[] body) throws IOException {
    attributesToken = t;
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    int start = (int) p.currentTokenLocation().getByteOffset();
    int count = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String attr = p.currentName();
      JsonToken v = p.nextToken();
      count++;
      if (Limits.utf8Length(attr) > Limits.MAX_ATTRIBUTE_NAME_BYTES) {
        attributeProblems.add("too_long", "attributes." + attr, "attribute name cannot be longer than 150 bytes");
      }
      long size;
      if (v == JsonToken.VALUE_STRING) {
        size = p.getTextLength() * 3L > Limits.MAX_ATTRIBUTE_VALUE_BYTES ? Limits.utf8Length(p.getText()) : 0;
      } else if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
        long s = p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        size = p.currentLocation().getByteOffset() - s;
      } else {
        size = 0;
      }
      if (size > Limits.MAX_ATTRIBUTE_VALUE_BYTES) {
        attributeProblems.add("too_long", "attributes." + attr,
            "value for attribute '" + attr + "' cannot be longer than 1000 bytes");
      }
    }
    if (count > Limits.MAX_ATTRIBUTES) {
      attributeProblems.add("too_many", "attributes", "cannot identify more than 300 attributes in one request");
    }
    int end = (int) p.currentLocation().getByteOffset();
    if (count > 0) {
      attributesJson = Arrays.copyOfRange(body, start, end);
    }
  }

  /** True when attributes were sent and are neither an object nor null. */
  boolean attributesNotObject() {
    return attributesToken != null && attributesToken != JsonToken.START_OBJECT
        && attributesToken != JsonToken.VALUE_NULL;
  }
}
