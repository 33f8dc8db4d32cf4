package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unifarm.scheduler.Capacity;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    /** Room for 4 instances of 100 MiB guest memory (+ 28 MiB overhead), 8 vCPUs, 8 boots. */
    private final Admission admission = new Admission(new Capacity(4 * 128, 8, 28, 8));

    @Test
    void testOffer_admitsWhatFitsAndQueuesTheRest() {
        for (int i = 1; i <= 6; i++) {
            boolean admitted = admission.offer(admission.need("i" + i, 100));
            assertThat(admitted).as("i" + i).isEqualTo(i <= 4);
        }
        assertThat(admission.admittedCount()).isEqualTo(4);
        assertThat(admission.waitingCount()).isEqualTo(2);
        assertThat(admission.isWaiting("i5")).isTrue();
        assertThat(admission.waitingMessage(admission.need("i6", 100)))
                .isEqualTo("waiting for capacity: needs 128 MiB and 1 vCPU, free 0 MiB and 4 vCPUs of 512 MiB and 8 vCPUs,"
                        + " boots 4/8, 1 ahead in the queue");
    }

    @Test
    void testRelease_admitsWaitingInFifoOrder() {
        for (int i = 1; i <= 6; i++) {
            admission.offer(admission.need("i" + i, 100));
        }
        assertThat(admission.release("i2")).extracting(Admission.Need::id).containsExactly("i5");
        assertThat(admission.release("i1")).extracting(Admission.Need::id).containsExactly("i6");
        assertThat(admission.release("i3")).isEmpty();
        assertThat(admission.admittedCount()).isEqualTo(3);
    }

    @Test
    void testOffer_aSmallInstanceDoesNotOvertakeAWaitingBigOne() {
        admission.offer(admission.need("a", 100));
        admission.offer(admission.need("b", 100));
        admission.offer(admission.need("c", 100));
        assertThat(admission.offer(admission.need("big", 200))).isFalse(); // needs 228, 128 free
        assertThat(admission.offer(admission.need("small", 50))).isFalse(); // would fit, but FIFO
        assertThat(admission.release("a")).extracting(Admission.Need::id).containsExactly("big"); // 256 free, small needs 78 of 28
        assertThat(admission.release("b")).extracting(Admission.Need::id).containsExactly("small");
    }

    @Test
    void testBooted_freesTheBootSlotOnly() {
        Admission oneBoot = new Admission(new Capacity(1024, 8, 0, 1));
        assertThat(oneBoot.offer(oneBoot.need("a", 100))).isTrue();
        assertThat(oneBoot.offer(oneBoot.need("b", 100))).isFalse();
        assertThat(oneBoot.waitingMessage(oneBoot.need("b", 100))).contains("boots 1/1");
        assertThat(oneBoot.booted("a")).extracting(Admission.Need::id).containsExactly("b");
        assertThat(oneBoot.booted("a")).isEmpty(); // twice is harmless
        assertThat(oneBoot.admittedCount()).isEqualTo(2);
    }

    @Test
    void testRelease_ofAWaitingInstanceRemovesItFromTheQueue() {
        for (int i = 1; i <= 5; i++) {
            admission.offer(admission.need("i" + i, 100));
        }
        assertThat(admission.release("i5")).isEmpty();
        assertThat(admission.waitingCount()).isZero();
        assertThat(admission.release("i1")).isEmpty();
    }

    @Test
    void testNeverFits_namesTheBudget() {
        assertThat(admission.neverFits(admission.need("huge", 1000)))
                .hasValue("needs 1028 MiB and 1 vCPU but the whole budget is 512 MiB and 8 vCPUs");
        assertThat(admission.neverFits(admission.need("ok", 100))).isEmpty();
    }

    @Test
    void testOffer_refusesADuplicateId() {
        admission.offer(admission.need("a", 100));
        assertThatThrownBy(() -> admission.offer(admission.need("a", 100))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void testCapacity_ofHostIsAShareOfThisMachine() {
        Capacity host = Capacity.ofHost();
        assertThat(host.vcpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(host.memoryMiB()).isPositive().isLessThan(Capacity.hostMemoryMiB());
        assertThatThrownBy(() -> new Capacity(0, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
