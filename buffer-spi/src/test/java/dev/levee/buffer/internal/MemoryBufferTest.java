package dev.levee.buffer.internal;

import dev.levee.buffer.AbstractChunkBufferContractTest;
import dev.levee.buffer.ChunkBuffer;

class MemoryBufferTest extends AbstractChunkBufferContractTest {
  @Override
  protected ChunkBuffer createBuffer(long capacityBytes) {
    return new MemoryBuffer(capacityBytes);
  }
}
