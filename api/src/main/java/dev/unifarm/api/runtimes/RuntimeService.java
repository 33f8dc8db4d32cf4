package dev.unifarm.api.runtimes;

import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.imager.Runtimes;
import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.RuntimeVersion;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/** Registers runtime archives into the store (the imager's {@link Runtimes} does the work) and lists them. */
@ApplicationScoped
public class RuntimeService {

    private static final Logger LOG = Logger.getLogger(RuntimeService.class);
    private static final String FRAMEWORK = Runtimes.FRAMEWORK;

    private final Runtimes store;

    RuntimeService(Runtimes store) {
        this.store = store;
    }

    public RuntimeInfo register(Path archive) {
        if (archive == null) {
            throw ProblemException.badRequest(ErrorKinds.INVALID_RUNTIME, "the form field \"archive\" is required:"
                    + " Microsoft's dotnet-runtime-<version>-linux-x64.tar.gz");
        }
        DotnetRuntime runtime;
        try {
            runtime = store.install(archive);
        } catch (ImagerException e) {
            if (ErrorKinds.RUNTIME_EXISTS.equals(e.type())) {
                throw ProblemException.conflict(e.type(), e.getMessage());
            }
            throw e;
        }
        LOG.infof("registered %s %s at %s", runtime.framework(), runtime.version(), runtime.root());
        return RuntimeInfo.of(runtime.framework(), runtime.version());
    }

    /** Every installed version, oldest first. */
    public List<RuntimeInfo> list() {
        return store.installed(FRAMEWORK).stream().map(v -> RuntimeInfo.of(FRAMEWORK, v)).toList();
    }

    public RuntimeInfo get(String framework, String version) {
        RuntimeVersion parsed = RuntimeVersion.isVersion(version) ? RuntimeVersion.parse(version) : null;
        if (parsed == null || !store.installed(framework).contains(parsed)) {
            throw ProblemException.notFound("runtime", "there is no runtime " + framework + " " + version
                    + "; GET /api/v1/runtimes lists the installed ones");
        }
        return RuntimeInfo.of(framework, parsed);
    }
}
