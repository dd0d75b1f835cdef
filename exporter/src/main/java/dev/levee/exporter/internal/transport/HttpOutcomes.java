package dev.levee.exporter.internal.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What an OTLP/HTTP answer means for the data, per the OTLP specification: 2xx delivered (less a
 * partial success's rejections); 429, 502, 503 and 504 worth a retry, after {@code Retry-After}
 * when the server gave one; every other status refused for good. Internal, may change.
 */
final class HttpOutcomes {
  private HttpOutcomes() {}

  /** The longest body text quoted in a message. */
  private static final int MAX_MESSAGE_CHARS = 300;

  /**
   * @param statusCode the response's status code
   * @param retryAfter the {@code Retry-After} header, if any
   * @param contentType the {@code Content-Type} header, if any
   * @param body the response body
   * @param nowEpochMillis the time now, to read a {@code Retry-After} given as an HTTP date
   */
  static SendOutcome answered(
      int statusCode,
      Optional<String> retryAfter,
      Optional<String> contentType,
      byte[] body,
      long nowEpochMillis) {
    String status = Integer.toString(statusCode);
    if (statusCode >= 200 && statusCode < 300) {
      return delivered(body, contentType).withStatus(status);
    }
    String message = message(body, contentType);
    if (retryable(statusCode)) {
      long delay = retryAfter.map(value -> retryAfterNanos(value, nowEpochMillis)).orElse(SendOutcome.NO_RETRY_DELAY);
      return delay == SendOutcome.NO_RETRY_DELAY
          ? SendOutcome.retryableAnswer(status, message)
          : SendOutcome.retryableAfter(status, message, delay);
    }
    return SendOutcome.permanent(status, message);
  }

  /** The statuses the specification makes retryable. */
  static boolean retryable(int statusCode) {
    return statusCode == 429 || statusCode == 502 || statusCode == 503 || statusCode == 504;
  }

  /**
   * A request that ended without an answer: refused, reset, unreachable, or out of time. The data
   * may not have arrived, so it is kept.
   */
  static SendOutcome failed(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = String.valueOf(cause.getMessage() != null ? cause.getMessage() : cause);
    if (cause instanceof HttpConnectTimeoutException) {
      return SendOutcome.retryable("CONNECT_TIMEOUT", message);
    }
    if (cause instanceof HttpTimeoutException) {
      return SendOutcome.retryable("TIMEOUT", message);
    }
    if (cause instanceof ConnectException) {
      return SendOutcome.retryable(
          "CONNECT_FAILED", cause.getMessage() != null ? cause.getMessage() : "connection refused or unreachable");
    }
    if (cause instanceof UnknownHostException) {
      return SendOutcome.retryable("CONNECT_FAILED", "unknown host " + cause.getMessage());
    }
    if (cause instanceof IOException) {
      return SendOutcome.retryable("IO_ERROR", String.valueOf(cause));
    }
    return SendOutcome.retryable("UNKNOWN", String.valueOf(cause));
  }

  private static SendOutcome delivered(byte[] body, Optional<String> contentType) {
    if (body.length == 0 || !isProtobuf(contentType)) {
      return SendOutcome.success(); // the status says it all; a proxy may answer with text
    }
    try {
      return PartialSuccess.parse(body).outcome();
    } catch (RuntimeException e) {
      // A 2xx is delivery: retrying would send the data twice.
      return SendOutcome.success();
    }
  }

  /**
   * The message of an error body: a {@code google.rpc.Status}'s message when the body is
   * protobuf, the start of the text otherwise.
   */
  static String message(byte[] body, Optional<String> contentType) {
    if (body.length == 0) {
      return "";
    }
    if (isProtobuf(contentType)) {
      try {
        return statusMessage(body);
      } catch (RuntimeException e) {
        return "";
      }
    }
    String text = new String(body, 0, Math.min(body.length, MAX_MESSAGE_CHARS * 4), StandardCharsets.UTF_8).strip();
    return text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "..." : text;
  }

  /** Field 2 (message) of a {@code google.rpc.Status}. */
  private static String statusMessage(byte[] body) {
    ProtoReader reader = new ProtoReader(body, 0, body.length);
    String message = "";
    while (reader.hasMore()) {
      long tag = reader.varint();
      if (tag == ((2 << 3) | 2)) {
        int length = (int) reader.varint();
        ProtoReader text = reader.sub(length);
        message = new String(text.bytes, text.position, length, StandardCharsets.UTF_8);
      } else {
        reader.skipField(tag);
      }
    }
    return message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message;
  }

  private static boolean isProtobuf(Optional<String> contentType) {
    return contentType.map(type -> type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-protobuf")).orElse(false);
  }

  /**
   * {@code Retry-After}: delay-seconds, or an HTTP date (RFC 9110), in nanoseconds from now; -1 when
   * it is neither. A date already past means at once.
   */
  static long retryAfterNanos(String value, long nowEpochMillis) {
    String trimmed = value.trim();
    if (!trimmed.isEmpty() && trimmed.chars().allMatch(Character::isDigit)) {
      try {
        return TimeUnit.SECONDS.toNanos(Long.parseLong(trimmed));
      } catch (NumberFormatException e) {
        return SendOutcome.NO_RETRY_DELAY; // more digits than a long: nonsense
      }
    }
    try {
      long at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      return TimeUnit.MILLISECONDS.toNanos(Math.max(0, at - nowEpochMillis));
    } catch (DateTimeParseException e) {
      return SendOutcome.NO_RETRY_DELAY;
    }
  }
}
