package dev.levee.exporter.internal.encode;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes an OTLP export request from SDK data in one backward pass (see {@link
 * BackwardProtoWriter}): the envelope every signal shares (resource, then scope, then items); the
 * fields and values inside come from {@link FieldWriter}. A subclass writes one item.
 *
 * <p>Items are grouped by resource and then by instrumentation scope (by identity, as the SDK's
 * marshalers do), groups in the order they first appear. Resource and scope messages are written
 * once each and their bytes kept.
 *
 * <p>Internal, may change. Not thread-safe: one writer per thread at a time.
 */
abstract class OtlpRequestWriter<T> extends FieldWriter {
  // The envelope's field numbers are the same for traces, metrics and logs:
  // Export*ServiceRequest.resource_*, Resource*.{resource, scope_*, schema_url},
  // Scope*.{scope, items, schema_url}.
  private static final int REQUEST_RESOURCE_GROUPS = 1;
  private static final int RESOURCE_GROUP_RESOURCE = 1;
  private static final int RESOURCE_GROUP_SCOPE_GROUPS = 2;
  private static final int RESOURCE_GROUP_SCHEMA_URL = 3;
  private static final int SCOPE_GROUP_SCOPE = 1;
  /** The field of a scope group that holds its items (spans, log records). */
  static final int SCOPE_GROUP_ITEMS = 2;
  private static final int SCOPE_GROUP_SCHEMA_URL = 3;
  private static final int SCOPE_NAME = 1;
  private static final int SCOPE_VERSION = 2;
  private static final int SCOPE_ATTRIBUTES = 3;
  // opentelemetry/proto/resource/v1/resource.proto, common.proto's EntityRef
  private static final int RESOURCE_ATTRIBUTES = 1;
  private static final int RESOURCE_ENTITY_REFS = 3;
  private static final int ENTITY_SCHEMA_URL = 1;
  private static final int ENTITY_TYPE = 2;
  private static final int ENTITY_ID_KEYS = 3;
  private static final int ENTITY_DESCRIPTION_KEYS = 4;

  /** Resources and scopes are few and long-lived; the cache is cleared if that ever stops being so. */
  private static final int ENCODED_CACHE_MAX = 256;

  private final Map<Object, byte[]> encoded = new IdentityHashMap<>();

  private final Function<T, Resource> resourceOf;
  private final Function<T, InstrumentationScopeInfo> scopeOf;

  OtlpRequestWriter(Function<T, Resource> resourceOf, Function<T, InstrumentationScopeInfo> scopeOf) {
    this.resourceOf = resourceOf;
    this.scopeOf = scopeOf;
  }

  /** Writes one item, as a complete {@link #SCOPE_GROUP_ITEMS} field of its scope group. */
  abstract void writeItem(T item);

  private Resource resourceOf(T item) {
    return resourceOf.apply(item);
  }

  private InstrumentationScopeInfo scopeOf(T item) {
    return scopeOf.apply(item);
  }

  /** The request's bytes for {@code items}, exactly sized. */
  final byte[] write(Collection<T> items) {
    try {
      List<List<List<T>>> groups = group(items);
      for (int r = groups.size() - 1; r >= 0; r--) {
        writeResourceGroup(groups.get(r));
      }
      return out.toByteArrayAndReset();
    } catch (RuntimeException e) {
      out.reset();
      throw e;
    }
  }

  private void writeResourceGroup(List<List<T>> scopes) {
    int mark = out.size();
    Resource resource = resourceOf(scopes.get(0).get(0));
    writeStringField(RESOURCE_GROUP_SCHEMA_URL, resource.getSchemaUrl());
    for (int s = scopes.size() - 1; s >= 0; s--) {
      writeScopeGroup(scopes.get(s));
    }
    int resourceMark = out.size();
    out.writeBytes(encoded(resource));
    out.endMessage(RESOURCE_GROUP_RESOURCE, resourceMark);
    out.endMessage(REQUEST_RESOURCE_GROUPS, mark);
  }

  private void writeScopeGroup(List<T> items) {
    int mark = out.size();
    InstrumentationScopeInfo scope = scopeOf(items.get(0));
    writeStringField(SCOPE_GROUP_SCHEMA_URL, scope.getSchemaUrl());
    for (int i = items.size() - 1; i >= 0; i--) {
      writeItem(items.get(i));
    }
    int scopeMark = out.size();
    out.writeBytes(encoded(scope));
    out.endMessage(SCOPE_GROUP_SCOPE, scopeMark);
    out.endMessage(RESOURCE_GROUP_SCOPE_GROUPS, mark);
  }

  /** The resource's or scope's message content, written once and kept. */
  private byte[] encoded(Object resourceOrScope) {
    byte[] bytes = encoded.get(resourceOrScope);
    if (bytes == null) {
      // Written through the same buffer, below what is written so far, and taken off again.
      int mark = out.size();
      if (resourceOrScope instanceof Resource resource) {
        writeResource(resource);
      } else {
        writeScope((InstrumentationScopeInfo) resourceOrScope);
      }
      bytes = out.takeSince(mark);
      if (encoded.size() >= ENCODED_CACHE_MAX) {
        encoded.clear();
      }
      encoded.put(resourceOrScope, bytes);
    }
    return bytes;
  }

  /** A Resource message's fields: attributes, then entity references where the SDK has them. */
  private void writeResource(Resource resource) {
    List<RunningSdk.Entity> entities = RunningSdk.entities(resource);
    for (int i = entities.size() - 1; i >= 0; i--) {
      RunningSdk.Entity entity = entities.get(i);
      int mark = out.size();
      for (int k = entity.descriptionKeys().size() - 1; k >= 0; k--) {
        writeRepeatedString(ENTITY_DESCRIPTION_KEYS, entity.descriptionKeys().get(k));
      }
      for (int k = entity.idKeys().size() - 1; k >= 0; k--) {
        writeRepeatedString(ENTITY_ID_KEYS, entity.idKeys().get(k));
      }
      writeRepeatedString(ENTITY_TYPE, entity.type());
      writeStringField(ENTITY_SCHEMA_URL, entity.schemaUrl());
      out.endMessage(RESOURCE_ENTITY_REFS, mark);
    }
    writeAttributes(RESOURCE_ATTRIBUTES, resource.getAttributes());
  }

  /** An InstrumentationScope message's fields: name, version, attributes. */
  private void writeScope(InstrumentationScopeInfo scope) {
    writeAttributes(SCOPE_ATTRIBUTES, scope.getAttributes());
    writeStringField(SCOPE_VERSION, scope.getVersion());
    writeStringField(SCOPE_NAME, scope.getName());
  }

  /** A string field written even when empty, as an element of a repeated field is. */
  private void writeRepeatedString(int fieldNumber, String value) {
    int mark = out.size();
    out.writeUtf8(value);
    out.endMessage(fieldNumber, mark);
  }

  /**
   * Items by resource, then by scope, by identity, each in the order of first appearance. A batch
   * from one resource and scope, the usual case, is one group without any map.
   */
  private List<List<List<T>>> group(Collection<T> items) {
    if (items.isEmpty()) {
      return List.of();
    }
    // Walked by index, from the end: a list that is not random-access is copied once.
    List<T> all =
        items instanceof List<T> list && list instanceof java.util.RandomAccess
            ? list
            : new ArrayList<>(items);
    T first = all.get(0);
    Resource firstResource = resourceOf(first);
    InstrumentationScopeInfo firstScope = scopeOf(first);
    boolean single = true;
    for (T item : all) {
      if (resourceOf(item) != firstResource || scopeOf(item) != firstScope) {
        single = false;
        break;
      }
    }
    if (single) {
      return List.of(List.of(all));
    }
    Map<Resource, Map<InstrumentationScopeInfo, List<T>>> byResource = new IdentityHashMap<>();
    Map<Resource, List<List<T>>> resourceGroups = new IdentityHashMap<>();
    List<List<List<T>>> groups = new ArrayList<>();
    for (T item : all) {
      Resource resource = resourceOf(item);
      List<List<T>> scopeGroups =
          resourceGroups.computeIfAbsent(
              resource,
              r -> {
                List<List<T>> created = new ArrayList<>();
                groups.add(created);
                return created;
              });
      byResource
          .computeIfAbsent(resource, r -> new IdentityHashMap<>())
          .computeIfAbsent(
              scopeOf(item),
              s -> {
                List<T> created = new ArrayList<>();
                scopeGroups.add(created);
                return created;
              })
          .add(item);
    }
    return groups;
  }

}
