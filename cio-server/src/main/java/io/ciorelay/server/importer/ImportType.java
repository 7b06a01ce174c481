package io.ciorelay.server.importer;

/** What each row of an import becomes: a person identify or an event. */
public enum ImportType {
  IDENTIFY, EVENT
}
