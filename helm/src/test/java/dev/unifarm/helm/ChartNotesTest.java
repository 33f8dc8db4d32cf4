package dev.unifarm.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** NOTES.txt, as {@code helm install --dry-run=client} prints it: how to reach the API and get the token. */
class ChartNotesTest {

    @Test
    void notes_defaults_portForwardAndTheTokenFromAHandMadeSecretOrTheDataVolume() {
        String notes = install(null);

        assertThat(notes).contains("kubectl -n unifarm port-forward svc/unifarm 8080:8080")
                .contains("kubectl -n unifarm port-forward svc/unifarm-gateway 8081:8081")
                .contains("get secret unifarm-api-token -o jsonpath='{.data.token}' | base64 -d")
                .contains("exec deploy/unifarm -- cat /var/lib/unifarm/api-token")
                .contains("each requesting 1 devices.kubevirt.io/kvm")
                .contains("http://registry.kube-system.svc.cluster.local:80")
                .contains("kubectl -n unifarm get dotnetapps");
    }

    @Test
    void notes_allOn_tokenFromTheChartsSecret() {
        String notes = install(Charts.ALL_ON);

        assertThat(notes).contains("port-forward svc/unifarm-all-on 8080:80")
                .contains("get secret unifarm-all-on-api-token -o jsonpath='{.data.token}'")
                .doesNotContain("cat /var/lib/unifarm/api-token");
    }

    private static String install(Path values) {
        InstallCommand install = new Helm(Charts.CHART).install().withName(Charts.RELEASE).withNamespace(Charts.NAMESPACE)
                .clientOnly().dryRun();
        if (values != null) {
            install = install.withValuesFile(values);
        }
        return install.call().getOutput();
    }
}
