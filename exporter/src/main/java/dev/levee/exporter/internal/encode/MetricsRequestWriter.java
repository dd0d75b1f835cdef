package dev.levee.exporter.internal.encode;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.ExemplarData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramBuckets;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongExemplarData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.data.ValueAtQuantile;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;

/**
 * Writes an OTLP {@code ExportMetricsServiceRequest} from SDK metric data in one backward pass (see
 * {@link OtlpRequestWriter}): gauges, sums, histograms, exponential histograms and summaries, with
 * their exemplars. The bytes are those the newest SDK's OTLP marshaler writes for the same data,
 * field for field, which the tests hold it to. They differ from SDK 1.44's in one field: a zero
 * exponential histogram sum is written (the field has presence; 1.44 left it out).
 *
 * <p>Internal, may change. Not thread-safe: one writer per thread at a time.
 */
final class MetricsRequestWriter extends OtlpRequestWriter<MetricData> {
  // opentelemetry/proto/metrics/v1/metrics.proto
  private static final int METRIC_NAME = 1;
  private static final int METRIC_DESCRIPTION = 2;
  private static final int METRIC_UNIT = 3;
  private static final int METRIC_GAUGE = 5;
  private static final int METRIC_SUM = 7;
  private static final int METRIC_HISTOGRAM = 9;
  private static final int METRIC_EXPONENTIAL_HISTOGRAM = 10;
  private static final int METRIC_SUMMARY = 11;
  /** Gauge, Sum, Histogram, ExponentialHistogram and Summary hold their points in field 1. */
  private static final int DATA_POINTS = 1;
  private static final int DATA_TEMPORALITY = 2;
  private static final int SUM_MONOTONIC = 3;

  private static final int NUMBER_START = 2;
  private static final int NUMBER_TIME = 3;
  private static final int NUMBER_AS_DOUBLE = 4;
  private static final int NUMBER_EXEMPLARS = 5;
  private static final int NUMBER_AS_INT = 6;
  private static final int NUMBER_ATTRIBUTES = 7;

  private static final int HISTOGRAM_START = 2;
  private static final int HISTOGRAM_TIME = 3;
  private static final int HISTOGRAM_COUNT = 4;
  private static final int HISTOGRAM_SUM = 5;
  private static final int HISTOGRAM_BUCKET_COUNTS = 6;
  private static final int HISTOGRAM_EXPLICIT_BOUNDS = 7;
  private static final int HISTOGRAM_EXEMPLARS = 8;
  private static final int HISTOGRAM_ATTRIBUTES = 9;
  private static final int HISTOGRAM_MIN = 11;
  private static final int HISTOGRAM_MAX = 12;

  private static final int EXPONENTIAL_ATTRIBUTES = 1;
  private static final int EXPONENTIAL_START = 2;
  private static final int EXPONENTIAL_TIME = 3;
  private static final int EXPONENTIAL_COUNT = 4;
  private static final int EXPONENTIAL_SUM = 5;
  private static final int EXPONENTIAL_SCALE = 6;
  private static final int EXPONENTIAL_ZERO_COUNT = 7;
  private static final int EXPONENTIAL_POSITIVE = 8;
  private static final int EXPONENTIAL_NEGATIVE = 9;
  private static final int EXPONENTIAL_EXEMPLARS = 11;
  private static final int EXPONENTIAL_MIN = 12;
  private static final int EXPONENTIAL_MAX = 13;
  private static final int BUCKETS_OFFSET = 1;
  private static final int BUCKETS_COUNTS = 2;

  private static final int SUMMARY_START = 2;
  private static final int SUMMARY_TIME = 3;
  private static final int SUMMARY_COUNT = 4;
  private static final int SUMMARY_SUM = 5;
  private static final int SUMMARY_QUANTILES = 6;
  private static final int SUMMARY_ATTRIBUTES = 7;
  private static final int QUANTILE_QUANTILE = 1;
  private static final int QUANTILE_VALUE = 2;

  private static final int EXEMPLAR_TIME = 2;
  private static final int EXEMPLAR_AS_DOUBLE = 3;
  private static final int EXEMPLAR_SPAN_ID = 4;
  private static final int EXEMPLAR_TRACE_ID = 5;
  private static final int EXEMPLAR_AS_INT = 6;
  private static final int EXEMPLAR_FILTERED_ATTRIBUTES = 7;

  private static final int TEMPORALITY_DELTA = 1;
  private static final int TEMPORALITY_CUMULATIVE = 2;

  MetricsRequestWriter() {
    super(MetricData::getResource, MetricData::getInstrumentationScopeInfo);
  }

  @Override
  void writeItem(MetricData metric) {
    int mark = out.size();
    // A type this code does not know (a newer SDK's) is written as an empty metric, as the SDK's
    // marshaler does when its own version does not know it.
    if (writeData(metric)) {
      writeStringField(METRIC_UNIT, metric.getUnit());
      writeStringField(METRIC_DESCRIPTION, metric.getDescription());
      writeStringField(METRIC_NAME, metric.getName());
    }
    out.endMessage(SCOPE_GROUP_ITEMS, mark);
  }

  /** The metric's data field; false for a type it does not know. */
  private boolean writeData(MetricData metric) {
    int mark = out.size();
    switch (metric.getType()) {
      case LONG_GAUGE, DOUBLE_GAUGE -> {
        writeNumberPoints(metric.getData().getPoints());
        out.endMessage(METRIC_GAUGE, mark);
      }
      case LONG_SUM, DOUBLE_SUM -> {
        SumData<?> sum = (SumData<?>) metric.getData();
        if (sum.isMonotonic()) {
          out.writeVarint32(1);
          out.writeTag(SUM_MONOTONIC, BackwardProtoWriter.VARINT);
        }
        writeTemporality(sum.getAggregationTemporality());
        writeNumberPoints(sum.getPoints());
        out.endMessage(METRIC_SUM, mark);
      }
      case HISTOGRAM -> {
        writeTemporality(metric.getHistogramData().getAggregationTemporality());
        List<HistogramPointData> points = indexed(metric.getHistogramData().getPoints());
        for (int i = points.size() - 1; i >= 0; i--) {
          writeHistogramPoint(points.get(i));
        }
        out.endMessage(METRIC_HISTOGRAM, mark);
      }
      case EXPONENTIAL_HISTOGRAM -> {
        writeTemporality(metric.getExponentialHistogramData().getAggregationTemporality());
        List<ExponentialHistogramPointData> points =
            indexed(metric.getExponentialHistogramData().getPoints());
        for (int i = points.size() - 1; i >= 0; i--) {
          writeExponentialHistogramPoint(points.get(i));
        }
        out.endMessage(METRIC_EXPONENTIAL_HISTOGRAM, mark);
      }
      case SUMMARY -> {
        List<SummaryPointData> points = indexed(metric.getSummaryData().getPoints());
        for (int i = points.size() - 1; i >= 0; i--) {
          writeSummaryPoint(points.get(i));
        }
        out.endMessage(METRIC_SUMMARY, mark);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private void writeTemporality(AggregationTemporality temporality) {
    int number =
        switch (temporality) {
          case DELTA -> TEMPORALITY_DELTA;
          case CUMULATIVE -> TEMPORALITY_CUMULATIVE;
        };
    out.writeVarint32(number);
    out.writeTag(DATA_TEMPORALITY, BackwardProtoWriter.VARINT);
  }

  private void writeNumberPoints(Collection<? extends PointData> collection) {
    List<? extends PointData> points = indexed(collection);
    for (int i = points.size() - 1; i >= 0; i--) {
      PointData point = points.get(i);
      int mark = out.size();
      writeAttributes(NUMBER_ATTRIBUTES, point.getAttributes());
      writeExemplars(NUMBER_EXEMPLARS, point.getExemplars());
      if (point instanceof LongPointData longPoint) {
        out.writeFixed64(longPoint.getValue());
        out.writeTag(NUMBER_AS_INT, BackwardProtoWriter.FIXED64);
      } else {
        writeDoubleAlways(NUMBER_AS_DOUBLE, ((DoublePointData) point).getValue());
      }
      writeFixed64Field(NUMBER_TIME, point.getEpochNanos());
      writeFixed64Field(NUMBER_START, point.getStartEpochNanos());
      out.endMessage(DATA_POINTS, mark);
    }
  }

  private void writeHistogramPoint(HistogramPointData point) {
    int mark = out.size();
    writeAttributes(HISTOGRAM_ATTRIBUTES, point.getAttributes());
    writeExemplars(HISTOGRAM_EXEMPLARS, point.getExemplars());
    List<Double> bounds = point.getBoundaries();
    if (!bounds.isEmpty()) {
      int boundsMark = out.size();
      for (int i = bounds.size() - 1; i >= 0; i--) {
        out.writeFixed64(Double.doubleToRawLongBits(bounds.get(i)));
      }
      out.endMessage(HISTOGRAM_EXPLICIT_BOUNDS, boundsMark);
    }
    List<Long> counts = point.getCounts();
    if (!counts.isEmpty()) {
      int countsMark = out.size();
      for (int i = counts.size() - 1; i >= 0; i--) {
        out.writeFixed64(counts.get(i));
      }
      out.endMessage(HISTOGRAM_BUCKET_COUNTS, countsMark);
    }
    if (point.hasMax()) {
      writeDoubleAlways(HISTOGRAM_MAX, point.getMax());
    }
    if (point.hasMin()) {
      writeDoubleAlways(HISTOGRAM_MIN, point.getMin());
    }
    writeDoubleAlways(HISTOGRAM_SUM, point.getSum());
    writeFixed64Field(HISTOGRAM_COUNT, point.getCount());
    writeFixed64Field(HISTOGRAM_TIME, point.getEpochNanos());
    writeFixed64Field(HISTOGRAM_START, point.getStartEpochNanos());
    out.endMessage(DATA_POINTS, mark);
  }

  private void writeExponentialHistogramPoint(ExponentialHistogramPointData point) {
    int mark = out.size();
    writeAttributes(EXPONENTIAL_ATTRIBUTES, point.getAttributes());
    writeExemplars(EXPONENTIAL_EXEMPLARS, point.getExemplars());
    writeBuckets(EXPONENTIAL_NEGATIVE, point.getNegativeBuckets());
    writeBuckets(EXPONENTIAL_POSITIVE, point.getPositiveBuckets());
    writeFixed64Field(EXPONENTIAL_ZERO_COUNT, point.getZeroCount());
    int scale = point.getScale();
    if (scale != 0) {
      out.writeVarint32((scale << 1) ^ (scale >> 31));
      out.writeTag(EXPONENTIAL_SCALE, BackwardProtoWriter.VARINT);
    }
    if (point.hasMax()) {
      writeDoubleAlways(EXPONENTIAL_MAX, point.getMax());
    }
    if (point.hasMin()) {
      writeDoubleAlways(EXPONENTIAL_MIN, point.getMin());
    }
    writeDoubleAlways(EXPONENTIAL_SUM, point.getSum());
    writeFixed64Field(EXPONENTIAL_COUNT, point.getCount());
    writeFixed64Field(EXPONENTIAL_TIME, point.getEpochNanos());
    writeFixed64Field(EXPONENTIAL_START, point.getStartEpochNanos());
    out.endMessage(DATA_POINTS, mark);
  }

  /** A Buckets message, written even when empty (the SDK's marshaler always writes both). */
  private void writeBuckets(int fieldNumber, ExponentialHistogramBuckets buckets) {
    int mark = out.size();
    List<Long> counts = buckets.getBucketCounts();
    if (!counts.isEmpty()) {
      int countsMark = out.size();
      for (int i = counts.size() - 1; i >= 0; i--) {
        out.writeVarint64(counts.get(i));
      }
      out.endMessage(BUCKETS_COUNTS, countsMark);
    }
    int offset = buckets.getOffset();
    if (offset != 0) {
      out.writeVarint32((offset << 1) ^ (offset >> 31));
      out.writeTag(BUCKETS_OFFSET, BackwardProtoWriter.VARINT);
    }
    out.endMessage(fieldNumber, mark);
  }

  private void writeSummaryPoint(SummaryPointData point) {
    int mark = out.size();
    writeAttributes(SUMMARY_ATTRIBUTES, point.getAttributes());
    List<ValueAtQuantile> quantiles = point.getValues();
    for (int i = quantiles.size() - 1; i >= 0; i--) {
      ValueAtQuantile quantile = quantiles.get(i);
      int quantileMark = out.size();
      writeDoubleField(QUANTILE_VALUE, quantile.getValue());
      writeDoubleField(QUANTILE_QUANTILE, quantile.getQuantile());
      out.endMessage(SUMMARY_QUANTILES, quantileMark);
    }
    writeDoubleField(SUMMARY_SUM, point.getSum());
    writeFixed64Field(SUMMARY_COUNT, point.getCount());
    writeFixed64Field(SUMMARY_TIME, point.getEpochNanos());
    writeFixed64Field(SUMMARY_START, point.getStartEpochNanos());
    out.endMessage(DATA_POINTS, mark);
  }

  private void writeExemplars(int fieldNumber, List<? extends ExemplarData> exemplars) {
    for (int i = exemplars.size() - 1; i >= 0; i--) {
      ExemplarData exemplar = exemplars.get(i);
      int mark = out.size();
      writeAttributes(EXEMPLAR_FILTERED_ATTRIBUTES, exemplar.getFilteredAttributes());
      SpanContext context = exemplar.getSpanContext();
      if (context.isValid()) {
        writeIdField(EXEMPLAR_TRACE_ID, context.getTraceId());
        writeIdField(EXEMPLAR_SPAN_ID, context.getSpanId());
      }
      if (exemplar instanceof LongExemplarData longExemplar) {
        out.writeFixed64(longExemplar.getValue());
        out.writeTag(EXEMPLAR_AS_INT, BackwardProtoWriter.FIXED64);
      } else {
        writeDoubleAlways(EXEMPLAR_AS_DOUBLE, ((DoubleExemplarData) exemplar).getValue());
      }
      writeFixed64Field(EXEMPLAR_TIME, exemplar.getEpochNanos());
      out.endMessage(fieldNumber, mark);
    }
  }

  /** A double field with presence (oneof or optional): written even when zero. */
  private void writeDoubleAlways(int fieldNumber, double value) {
    out.writeFixed64(Double.doubleToRawLongBits(value));
    out.writeTag(fieldNumber, BackwardProtoWriter.FIXED64);
  }

  /** A plain double field: left out when zero (negative zero too, as the SDK compares). */
  private void writeDoubleField(int fieldNumber, double value) {
    if (value != 0D) {
      writeDoubleAlways(fieldNumber, value);
    }
  }

  /** Points are walked by index, from the end: a collection that is not a list is copied once. */
  @SuppressWarnings("unchecked")
  private static <P> List<P> indexed(Collection<? extends P> points) {
    return points instanceof List<?> list && list instanceof RandomAccess
        ? (List<P>) list
        : new ArrayList<>(points);
  }
}
