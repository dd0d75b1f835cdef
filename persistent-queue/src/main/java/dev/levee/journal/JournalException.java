package dev.levee.journal;

/** The journal cannot be opened or used; the message says where and why. */
public final class JournalException extends Exception {
  private static final long serialVersionUID = 1L;

  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
