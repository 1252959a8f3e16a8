package io.ballast.admin.overlay;

import com.fasterxml.jackson.core.JacksonException;
import io.ballast.admin.AdminResponse;
import io.ballast.core.config.RuntimeOverlay;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;

/**
 * Keeps a node's runtime overlay, in memory and (when the node has a config file) in {@code
 * <config>.runtime.json} beside it. Every change is saved before it is acknowledged, atomically:
 * written to a temporary file in the same directory, forced to disk, then renamed over the old one,
 * so a crash leaves either the old or the new overlay, never half of one. An empty overlay has no
 * file.
 *
 * <p>Thread-safe; changes normally arrive one at a time through {@link
 * io.ballast.admin.RuntimeChanges}.
 */
public final class OverlayStore {
  private final Path file;
  private RuntimeOverlay current;

  private OverlayStore(Path file, RuntimeOverlay current) {
    this.file = file;
    this.current = current;
  }

  /** The overlay file that belongs to a config file: {@code ballast.yaml.runtime.json}. */
  public static Path fileFor(Path configFile) {
    Path abs = configFile.toAbsolutePath();
    return abs.resolveSibling(abs.getFileName() + ".runtime.json");
  }

  /** A store without a file (the demo, embedded nodes): changes last as long as the process. */
  public static OverlayStore inMemory() {
    return new OverlayStore(null, RuntimeOverlay.EMPTY);
  }

  /**
   * Opens the store for an overlay file, reading it if it exists.
   *
   * @throws ReadException when the file exists but cannot be read or is not a valid overlay
   */
  public static OverlayStore open(Path file) throws ReadException {
    return new OverlayStore(file, read(file));
  }

  /**
   * Reads an overlay file; a missing file is an empty overlay.
   *
   * @throws ReadException naming the file, the field and what is wrong
   */
  public static RuntimeOverlay read(Path file) throws ReadException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return RuntimeOverlay.EMPTY;
    } catch (IOException e) {
      throw new ReadException(file, "cannot read it: " + e.getMessage(), e);
    }
    try {
      return OverlayJson.read(AdminResponse.mapper().readTree(bytes));
    } catch (JacksonException e) {
      throw new ReadException(file, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ReadException(file, "cannot read it: " + e.getMessage(), e);
    } catch (FieldException e) {
      throw new ReadException(file, e.getMessage(), e);
    }
  }

  /** The overlay file, or {@code null} when changes are kept in memory only. */
  public Path file() {
    return file;
  }

  /** The recorded changes. */
  public synchronized RuntimeOverlay current() {
    return current;
  }

  /**
   * Records a change and saves the overlay. The change is kept in memory even when saving fails, so
   * the next successful save includes it.
   *
   * @return the new overlay
   * @throws SaveException when the file cannot be written
   */
  public synchronized RuntimeOverlay update(UnaryOperator<RuntimeOverlay> change) {
    RuntimeOverlay next = change.apply(current);
    if (next.equals(current)) {
      return current;
    }
    current = next;
    save();
    return next;
  }

  /** Replaces the whole overlay (after a merge dropped what no longer applies) and saves it. */
  public synchronized void replace(RuntimeOverlay overlay) {
    update(old -> overlay);
  }

  /**
   * Forgets every change and deletes the file.
   *
   * @return the changes that were dropped
   */
  public synchronized RuntimeOverlay clear() {
    RuntimeOverlay old = current;
    current = RuntimeOverlay.EMPTY;
    save();
    return old;
  }

  /**
   * Reads the file again (a reload picks up an overlay edited while the node was stopped or fixed
   * by hand). Without a file, returns the in-memory overlay.
   *
   * @throws ReadException when the file is not a valid overlay; the store keeps what it had
   */
  public synchronized RuntimeOverlay reread() throws ReadException {
    if (file != null) {
      current = read(file);
    }
    return current;
  }

  private void save() {
    if (file == null) {
      return;
    }
    try {
      if (current.isEmpty()) {
        Files.deleteIfExists(file);
        return;
      }
      byte[] bytes = AdminResponse.toJson(OverlayJson.write(current));
      Path dir = file.toAbsolutePath().getParent();
      Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
      try {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ByteBuffer buf = ByteBuffer.wrap(bytes);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(true);
        }
        try {
          Files.move(
              tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new SaveException(file, e);
    }
  }

  /** An overlay file that cannot be used. */
  public static final class ReadException extends Exception {
    private static final long serialVersionUID = 1L;

    ReadException(Path file, String message, Throwable cause) {
      super(
          file
              + ": "
              + message
              + " (this file holds runtime changes made through the admin API; fix it or delete"
              + " it to start from the config file alone)",
          cause);
    }
  }

  /** The overlay could not be saved: the change is in effect but would be lost on restart. */
  public static final class SaveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SaveException(Path file, IOException cause) {
      super("could not save " + file + ": " + cause, cause);
    }
  }
}
