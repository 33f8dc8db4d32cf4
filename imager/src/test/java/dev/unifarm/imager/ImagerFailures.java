package dev.unifarm.imager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.unifarm.imager.model.ImagerException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts that a call fails with an {@link ImagerException} of one type, and hands it back for its detail. */
public final class ImagerFailures {

    private ImagerFailures() {
    }

    public static ImagerException failure(String type, ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as("expected an ImagerException of type %s", type).isInstanceOf(ImagerException.class);
        ImagerException failure = (ImagerException) thrown;
        assertThat(failure.type()).as("type of: %s", failure.getMessage()).isEqualTo(type);
        return failure;
    }
}
