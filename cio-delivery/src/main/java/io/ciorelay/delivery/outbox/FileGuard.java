package io.ciorelay.delivery.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <outbox file>.lock}, held while a store has the file open, so a
 * second store (in this JVM or another process) fails at open instead of racing the first
 * writer. The OS releases it when the process dies, so a crash never leaves the file locked.
 * Thread-safe for {@link #close()}.
 */
final class FileGuard implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private FileGuard(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static FileGuard acquire(Path databaseFile) {
    Path lockFile = databaseFile.resolveSibling(databaseFile.getFileName() + ".lock");
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new OutboxException("cannot open outbox " + databaseFile + ": cannot create " + lockFile + ": " + e, e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new OutboxException("cannot open outbox " + databaseFile + ": cannot lock " + lockFile + ": " + e, e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new OutboxException("cannot open outbox " + databaseFile
          + ": it is already open (in this process or another; lock file " + lockFile + ")");
    }
    return new FileGuard(channel, lock);
  }

  @Override
  public synchronized void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      // closing the channel below releases the lock too
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to release
    }
  }
}
