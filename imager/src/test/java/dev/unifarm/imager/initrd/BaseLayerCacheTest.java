package dev.unifarm.imager.initrd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.build.ImageBuilder;
import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.closure.NativeClosure;
import dev.unifarm.imager.closure.Sysroot;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.rootfs.ProcPatch;
import dev.unifarm.imager.rootfs.RootfsTree;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime layer is encoded once and reused, and reuse never changes an image's bytes. */
class BaseLayerCacheTest {

    @TempDir
    Path temp;

    @Test
    void testBuild_withCacheGivesTheSameBytesAsWithout() throws IOException {
        Image uncached = build("hello", "plain", null, new ArrayList<>());
        BaseLayerCache cache = new BaseLayerCache(temp.resolve("cache"));
        Image cold = build("hello", "cold", cache, new ArrayList<>());
        Image warm = build("hello", "warm", cache, new ArrayList<>());

        assertThat(cold.digest()).isEqualTo(uncached.digest()).isEqualTo(warm.digest());
        assertThat(Files.mismatch(cold.initrd(), uncached.initrd())).isEqualTo(-1L);
        assertThat(Files.mismatch(warm.initrd(), uncached.initrd())).isEqualTo(-1L);
    }

    @Test
    void testBuild_secondAppReusesTheRuntimeLayer() {
        BaseLayerCache cache = new BaseLayerCache(temp.resolve("cache"));
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();

        build("hello", "one", cache, first);
        Image crash = build("crash", "two", cache, second);

        assertThat(first).anySatisfy(line -> assertThat(line).startsWith("initrd: ").contains("runtime layer encoded"));
        assertThat(second).anySatisfy(line -> assertThat(line).startsWith("initrd: ").contains("runtime layer from cache"));
        assertThat(crash.digest()).isEqualTo(build("crash", "three", null, new ArrayList<>()).digest());
    }

    @Test
    void testBuild_cacheOnDiskSurvivesARestart() throws IOException {
        Path dir = temp.resolve("cache");
        Image before = build("hello", "before", new BaseLayerCache(dir), new ArrayList<>());
        List<String> log = new ArrayList<>();

        Image after = build("hello", "after", new BaseLayerCache(dir), log);

        assertThat(log).anySatisfy(line -> assertThat(line).contains("runtime layer from cache"));
        assertThat(after.digest()).isEqualTo(before.digest());
        assertThat(Files.mismatch(after.initrd(), before.initrd())).isEqualTo(-1L);
    }

    @Test
    void testKey_changesWithWhatTheLayerHolds() {
        RootfsTree a = new RootfsTree().text("/proc/1/maps", "a\n");
        RootfsTree b = new RootfsTree().text("/proc/1/maps", "b\n");
        RootfsTree aAgain = new RootfsTree().text("/proc/1/maps", "a\n");

        assertThat(BaseLayerCache.key(a)).isNotEqualTo(BaseLayerCache.key(b)).isEqualTo(BaseLayerCache.key(aAgain));
    }

    @Test
    void testKey_omittedProcPatchIsAnotherLayer() {
        BaseLayerCache cache = new BaseLayerCache(temp.resolve("cache"));
        build("hello", "full", cache, new ArrayList<>());
        List<String> log = new ArrayList<>();

        ImageBuilder.forBundle(read("hello", "nostack")).runtimes(RealParts.runtimeStore())
                .profile(KernelProfile.linux(RealParts.linuxKernel())).omit(ProcPatch.STACK_MAPPING)
                .cache(cache).log(log::add).build(new ImageStore(temp.resolve("store")));

        assertThat(log).anySatisfy(line -> assertThat(line).contains("runtime layer encoded"));
    }

    @Test
    void testClosure_computedOnceUntilAFileChanges() throws IOException {
        BaseLayerCache cache = new BaseLayerCache(temp.resolve("cache"));
        Path host = Files.copy(RealParts.runtime().host(), temp.resolve("dotnet"));
        java.util.concurrent.atomic.AtomicInteger computed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<NativeClosure.Result> compute = () -> {
            computed.incrementAndGet();
            return new NativeClosure(Sysroot.HOST).compute(List.of(host), List.of());
        };

        NativeClosure.Result first = cache.closure(List.of(host), List.of(), compute);
        NativeClosure.Result second = cache.closure(List.of(host), List.of(), compute);
        Files.setLastModifiedTime(host, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        NativeClosure.Result third = cache.closure(List.of(host), List.of(), compute);

        assertThat(second).isSameAs(first);
        assertThat(third).isNotSameAs(first).isEqualTo(first);
        assertThat(computed).hasValue(2);
    }

    private Image build(String sample, String name, BaseLayerCache cache, List<String> log) {
        return ImageBuilder.forBundle(read(sample, name)).runtimes(RealParts.runtimeStore())
                .profile(KernelProfile.linux(RealParts.linuxKernel())).cache(cache).log(log::add)
                .build(new ImageStore(temp.resolve("store-" + name)));
    }

    private Bundle read(String sample, String name) {
        return new BundleReader().read(RealParts.sample(sample), temp.resolve("bundle-" + name), Optional.empty());
    }
}
