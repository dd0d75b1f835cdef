package dev.levee.exporter.internal;

import dev.levee.exporter.internal.admission.Delivery;
import dev.levee.exporter.internal.dispatch.Dispatcher;
import dev.levee.exporter.internal.flow.Breaker;
import dev.levee.exporter.internal.transport.Endpoints;

/**
 * The door's view of delivery in a {@link Pipeline}: the dispatcher, woken on the pipeline's
 * thread, and the endpoints' state. Called on the SDK's threads; every call returns at once.
 *
 * <p>Internal, may change. Thread-safe.
 */
final class DispatcherDelivery implements Delivery {
  private final Dispatcher dispatcher;
  private final Endpoints endpoints;
  private final Runnable wake;

  DispatcherDelivery(Dispatcher dispatcher, Endpoints endpoints, Runnable wake) {
    this.dispatcher = dispatcher;
    this.endpoints = endpoints;
    this.wake = wake;
  }

  @Override
  public void accepted() {
    dispatcher.accepted();
    wake.run();
  }

  @Override
  public void evicted() {
    dispatcher.evicted();
  }

  @Override
  public void wake() {
    wake.run();
  }

  @Override
  public boolean behind() {
    return endpoints.state() == Breaker.State.OPEN;
  }

  @Override
  public String targets() {
    return endpoints.targets();
  }
}
