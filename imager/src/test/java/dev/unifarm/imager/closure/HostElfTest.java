package dev.unifarm.imager.closure;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.RealParts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ELF type and interpreter of the real CoreCLR 2.0.0 host and its libraries. */
class HostElfTest {

    @TempDir
    Path temp;

    @Test
    void testRead_dotnet20HostIsEtExecWithLdSo() {
        Path host = RealParts.partsDir().resolve("runtimes/Microsoft.NETCore.App/2.0.0/dotnet");

        HostElf elf = HostElf.read(host);

        assertThat(elf.positionIndependent()).as("2.0's dotnet is ET_EXEC").isFalse();
        assertThat(elf.interpreter()).isEqualTo("/lib64/ld-linux-x86-64.so.2");
    }

    @Test
    void testRead_sharedLibraryIsPositionIndependent() {
        Path coreclr = RealParts.runtime().frameworkDir().resolve("libcoreclr.so");

        assertThat(HostElf.read(coreclr).positionIndependent()).isTrue();
    }

    @Test
    void testRead_notElfRefused() throws IOException {
        Path script = Files.writeString(temp.resolve("dotnet"), "#!/bin/sh\n");

        assertThat(failure("runtime-broken", () -> HostElf.read(script)).getMessage()).contains("dotnet");
    }
}
