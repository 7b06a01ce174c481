package io.ciorelay.server.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.f4b6a3.ulid.Ulid;
import io.ciorelay.client.IdentifierType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RowParserTest {
  final EventIds ids = new EventIds(new byte[] {1, 2, 3});

  static RecordReader.Record rec(long line, String s) {
    return new RecordReader.Record(line, 100, 100 + s.length(), s.getBytes(StandardCharsets.UTF_8), false);
  }

  @Test
  void timestampsAreUnixSecondsOrIso8601AndMillisecondsAreRefused() {
    assertEquals(1_700_000_000L, RowParser.timestamp("1700000000"));
    assertEquals(1_700_000_000L, RowParser.timestamp("2023-11-14T22:13:20Z"));
    assertEquals(1_700_000_000L, RowParser.timestamp("2023-11-15T00:13:20+02:00"));
    assertNull(RowParser.timestamp(""));
    assertTrue(assertThrows(RowParser.BadRow.class, () -> RowParser.timestamp("1700000000000")).getMessage()
        .contains("looks like milliseconds"));
    assertTrue(assertThrows(RowParser.BadRow.class, () -> RowParser.timestamp("soon")).getMessage()
        .contains("but was 'soon'"));
  }

  @Test
  void eventIdsAreValidUlidsThatDependOnTheFileAndLineOnly() {
    String a = ids.idFor(7, 1_700_000_000L);
    assertEquals(a, new EventIds(new byte[] {1, 2, 3}).idFor(7, 1_700_000_000L));
    assertNotEquals(a, ids.idFor(8, 1_700_000_000L));
    assertNotEquals(a, new EventIds(new byte[] {1, 2, 4}).idFor(7, 1_700_000_000L));
    assertEquals(1_700_000_000_000L, Ulid.from(a).getTime());
    assertTrue(Ulid.isValid(ids.idFor(1, null)));
  }

  @Test
  void ndjsonEventsGetTheirOwnIdOrADerivedOneAndUnknownFieldsAreRefused() {
    NdjsonRowParser p = new NdjsonRowParser(ImportType.EVENT, "person", IdentifierType.ID, ids);
    Row own = p.parse(rec(3, "{\"person\":42,\"name\":\"buy\",\"id\":\"mine\",\"data\":{\"x\":[1]}}"));
    assertTrue(own.ok(), own.reject());
    assertEquals("mine", own.op().id());
    assertEquals("42", own.op().identifiers().value());
    Row derived = p.parse(rec(4, "{\"person\":\"p\",\"name\":\"buy\",\"timestamp\":\"2023-11-14T22:13:20Z\"}"));
    assertEquals(ids.idFor(4, 1_700_000_000L), derived.op().id());
    assertEquals(1_700_000_000L, derived.op().timestamp());
    assertTrue(p.parse(rec(5, "{\"person\":\"p\",\"name\":\"buy\",\"price\":3}")).reject().contains("unknown field 'price'"));
    assertTrue(p.parse(rec(6, "[1]")).reject().contains("not a JSON object but an array"));
    assertTrue(p.parse(rec(7, "{\"person\":\"p\",\"name\":\"b\"} x")).reject().startsWith("malformed JSON"));
    assertTrue(p.parse(rec(8, "{\"person\":\"p\",\"name\":\"b\",\"data\":\"s\"}")).reject().contains("must be a JSON object"));
    assertNull(p.parse(rec(9, "  ")));
  }

  @Test
  void ndjsonIdentifiesKeepJsonTypesAndEmailColumnsIdentifyByEmail() {
    NdjsonRowParser p = new NdjsonRowParser(ImportType.IDENTIFY, "email", RowParser.idTypeOf("email"), ids);
    Row r = p.parse(rec(1, "{\"email\":\"a@b.c\",\"n\":3,\"vip\":true,\"tags\":[\"x\"]}"));
    assertTrue(r.ok(), r.reject());
    assertEquals(IdentifierType.EMAIL, r.op().identifiers().type());
    assertEquals(3, r.op().attributes().get("n"));
    assertEquals(Boolean.TRUE, r.op().attributes().get("vip"));
    assertTrue(p.parse(rec(2, "{\"email\":\"\"}")).reject().contains("identifier 'email' is empty"));
    assertTrue(p.parse(rec(3, "{\"email\":true}")).reject().contains("must be a string but was a boolean"));
    assertTrue(p.parse(rec(4, "{\"email\":\"" + "a".repeat(151) + "\"}")).reject().contains("150"));
  }

  @Test
  void csvHeadersAreCheckedAndEventDataIsAJsonColumn() {
    RecordReader.Record header = rec(1, "\uFEFFperson,name,timestamp,data");
    CsvRowParser p = CsvRowParser.create(header, ImportType.EVENT, "person", IdentifierType.ID, ids);
    assertEquals(java.util.List.of("person", "name", "timestamp", "data"), p.columns());
    Row r = p.parse(rec(2, "p1,buy,1700000000,\"{\"\"sku\"\":\"\"x\"\"}\""));
    assertTrue(r.ok(), r.reject());
    assertEquals("x", r.op().attributes().get("sku"));
    assertTrue(p.parse(rec(3, "p1,buy,1700000000,{nope}")).reject().contains("not valid JSON"));
    assertTrue(p.parse(rec(4, "p1,,1700000000,")).reject().contains("missing event name"));
    assertTrue(assertThrows(ImportException.class,
        () -> CsvRowParser.create(rec(1, "person,name,sku"), ImportType.EVENT, "person", IdentifierType.ID, ids))
        .getMessage().contains("column 'sku', which events do not take"));
    assertTrue(assertThrows(ImportException.class,
        () -> CsvRowParser.create(rec(1, "id,a,a"), ImportType.IDENTIFY, "id", IdentifierType.ID, ids))
        .getMessage().contains("names column 'a' twice"));
    byte[] latin1 = "u1,caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
    CsvRowParser ident = CsvRowParser.create(rec(1, "id,x"), ImportType.IDENTIFY, "id", IdentifierType.ID, ids);
    assertTrue(ident.parse(new RecordReader.Record(2, 0, 0, latin1, false)).reject().contains("not valid UTF-8"));
  }
}
