package dev.unifarm.imager.closure;

import java.nio.file.Path;

/** A shared library the image must carry: its soname and the file it is copied from. */
public record NativeLibrary(String soname, Path source) {
}
