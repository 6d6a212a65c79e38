package io.ddb2delta.tools;

/** A full export (one line per item) or an incremental one (one line per changed item). */
public enum ExportType {
  FULL,
  INCREMENTAL
}
