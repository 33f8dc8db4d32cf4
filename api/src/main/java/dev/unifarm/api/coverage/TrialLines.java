package dev.unifarm.api.coverage;

import dev.unifarm.api.sse.LineStream;
import dev.unifarm.scheduler.coverage.NeedsConsole;
import dev.unifarm.scheduler.coverage.NeedsTrial;
import java.io.OutputStream;
import java.util.function.ObjIntConsumer;

/**
 * A needs sweep's console as it is written ({@code ConsoleFileStream} copies it here): each trial line is handed on
 * with the number of trials so far, for live progress; other lines are dropped.
 */
final class TrialLines extends LineStream {

    private final ObjIntConsumer<NeedsTrial> trials;
    private int count;

    TrialLines(ObjIntConsumer<NeedsTrial> trials) {
        super(OutputStream.nullOutputStream());
        this.trials = trials;
    }

    @Override
    protected void emit(String text) {
        NeedsTrial trial = NeedsConsole.trial(text.replace("\r", ""));
        if (trial != null) {
            trials.accept(trial, ++count);
        }
    }

    int count() {
        return count;
    }
}
