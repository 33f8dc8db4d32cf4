package dev.unifarm.imager.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.model.ImagerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestNetworkTest {

    @TempDir
    Path temp;

    @Test
    void testAppendTo_modulesInLoadOrderThenEth0() throws Exception {
        GuestNetwork network = GuestNetwork.forKernel(RealParts.linuxKernel(), GuestInit.HOST_BUSYBOX);
        RootfsTree tree = new RootfsTree();
        StringBuilder script = new StringBuilder();

        network.addModulesTo(tree);
        network.appendTo(script);

        List<String> order = Files.readAllLines(RealParts.linuxKernel().getParent().resolve("modules/load-order"));
        assertThat(order).isNotEmpty().allSatisfy(m -> assertThat(tree.contains("/lib/modules/unifarm/" + m)).as(m).isTrue());
        assertThat(script.toString())
                .contains("insmod /lib/modules/unifarm/" + order.get(0))
                .contains("ip addr add 10.0.2.15/24 dev eth0", "ip route add default via 10.0.2.2");
        assertThat(script.indexOf(order.get(0))).isLessThan(script.indexOf(order.get(order.size() - 1)));
        assertThat(script.indexOf(order.get(order.size() - 1))).isLessThan(script.indexOf("ip link set eth0 up"));
    }

    @Test
    void testForKernel_withoutModulesIsRefused() throws Exception {
        Path kernel = Files.writeString(temp.resolve("vmlinuz"), "not a kernel");

        assertThatThrownBy(() -> GuestNetwork.forKernel(kernel, GuestInit.HOST_BUSYBOX))
                .isInstanceOfSatisfying(ImagerException.class, e -> assertThat(e.type()).isEqualTo("network-unsupported"))
                .hasMessageContaining("load-order");
    }

    @Test
    void testForKernel_dynamicBusyboxIsRefused() {
        // the JVM's own launcher is a dynamically linked executable
        Path dynamic = Path.of(System.getProperty("java.home"), "bin", "java");

        assertThatThrownBy(() -> GuestNetwork.forKernel(RealParts.linuxKernel(), dynamic))
                .isInstanceOfSatisfying(ImagerException.class, e -> assertThat(e.type()).isEqualTo("network-unsupported"))
                .hasMessageContaining("static busybox");
    }
}
