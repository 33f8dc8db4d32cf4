package dev.unifarm.api.instances;

import dev.unifarm.api.apps.RevisionKernels;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.scheduler.ConsoleView;
import dev.unifarm.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Instances' consoles: from the scheduler's memory while they are live, else from their console files. */
@ApplicationScoped
class InstanceConsoles {

    private static final String CONSOLE_FILE = "console.log";

    private final Scheduler scheduler;
    private final FarmDirs dirs;
    private final RevisionKernels revisionKernels;

    InstanceConsoles(Scheduler scheduler, FarmDirs dirs, RevisionKernels revisionKernels) {
        this.scheduler = scheduler;
        this.dirs = dirs;
        this.revisionKernels = revisionKernels;
    }

    /**
     * One view of the console ({@link ConsoleView}): on a Unikraft kernel profile the shim's trace, the
     * app's output and the kernel's log are told apart by the trace parser; on {@code linux} there is
     * no trace and the app's lines are those that are not the kernel's or the firmware's.
     */
    String console(Instance instance, ConsoleView view) {
        String id = instance.id();
        Optional<List<String>> live = scheduler.console(id);
        String text;
        if (live.isPresent()) {
            text = live.get().isEmpty() ? "" : String.join("\n", live.get()) + "\n";
        } else {
            Path file = consoleFile(id);
            try {
                text = Files.exists(file) ? Files.readString(file) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (view == ConsoleView.ALL) {
            return text;
        }
        List<String> lines = view.select(text.lines().toList(), kind(instance));
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    /** How the instance's kernel writes its console: its revision's profile's command-line kind ({@code linux} when unknown). */
    CommandLineKind kind(Instance instance) {
        return revisionKernels.profile(instance.app(), instance.revision()).map(KernelProfile::commandLine)
                .orElse(CommandLineKind.LINUX);
    }

    Path consoleFile(String id) {
        return dirs.instance(id).resolve(CONSOLE_FILE);
    }
}
