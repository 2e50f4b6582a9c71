package io.helixstack.control;

import io.helixstack.domain.AppName;
import io.helixstack.domain.Application;
import io.helixstack.store.SshKeyRepository;
import io.helixstack.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code git push ssh://git@host:2222/<app>.git main}: an SSH server (Apache MINA sshd) that accepts the team keys
 * registered through {@code POST /ssh-keys} (public key authentication only; no passwords, no shell) and runs JGit's
 * receive-pack (or upload-pack, to clone what was pushed) for the named application, deploying like an HTTP push.
 */
public final class GitSshServer implements AutoCloseable {
    private static final AttributeRepository.AttributeKey<UUID> TEAM = new AttributeRepository.AttributeKey<>();
    private static final Logger log = LoggerFactory.getLogger(GitSshServer.class);

    private final SshServer sshd;

    private GitSshServer(SshServer sshd) {
        this.sshd = sshd;
    }

    /**
     * @param hostKey where the server's host key is kept (generated on first start), so clients see the same host
     * @param control the control plane whose git pushes it serves (it must have a git root)
     */
    public static GitSshServer start(String bind, int port, Path hostKey, Store store, ControlPlane control) {
        GitPushes pushes = control.pushes();
        if (pushes == null) {
            throw new IllegalStateException("the control plane serves no git repositories (expected: one built with a git root)");
        }
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(bind);
        sshd.setPort(port);
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(hostKey);
        keys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        sshd.setKeyPairProvider(keys);
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setPublickeyAuthenticator((user, key, session) -> {
            Optional<SshKeyRepository.SshKey> known = store.sshKeys().byFingerprint(KeyUtils.getFingerPrint(key));
            known.ifPresent(k -> {
                session.setAttribute(TEAM, k.teamId());
                store.sshKeys().used(k.id());
            });
            return known.isPresent();
        });
        sshd.setCommandFactory((CommandFactory) (channel, command) -> new GitCommand(command, pushes, store));
        try {
            sshd.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the git SSH server on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        log.atInfo().addKeyValue("port", sshd.getPort()).log("Git over SSH listening");
        return new GitSshServer(sshd);
    }

    public int port() {
        return sshd.getPort();
    }

    @Override
    public void close() {
        try {
            sshd.stop(true);
        } catch (IOException e) {
            log.atWarn().addKeyValue("error", e.getMessage()).log("Error stopping the SSH server");
        }
    }

    /** One {@code git-receive-pack '<app>.git'} or {@code git-upload-pack '<app>.git'} over an SSH channel. */
    private static final class GitCommand implements Command {
        private final String command;
        private final GitPushes pushes;
        private final Store store;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        GitCommand(String command, GitPushes pushes, Store store) {
            this.command = command;
            this.pushes = pushes;
            this.store = store;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback exit) {
            this.exit = exit;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            UUID team = channel.getSession().getAttribute(TEAM);
            Thread.ofPlatform().name("git-ssh").daemon().start(() -> run(team));
        }

        private void run(UUID team) {
            int code = 0;
            try {
                List<String> words = CommandFactory.split(command);
                if (team == null || words.size() != 2 || !List.of("git-receive-pack", "git-upload-pack").contains(words.get(0))) {
                    fail("HelixStack only speaks git here (expected: git push ssh://git@<host>:<port>/<app>.git)");
                    code = 1;
                    return;
                }
                AppName name = GitPushes.appOf(words.get(1));
                boolean push = words.get(0).equals("git-receive-pack");
                Application app = push ? pushes.application(team, name)
                        : store.applications().find(team, name.value()).orElse(null);
                if (app == null) {
                    fail("application \"" + name + "\" not found (expected: push to it first)");
                    code = 1;
                    return;
                }
                try (Repository repo = pushes.repository(app)) {
                    if (push) {
                        ReceivePack rp = pushes.receivePack(app, repo);
                        rp.receive(in, out, err);
                    } else {
                        new UploadPack(repo).upload(in, out, err);
                    }
                }
            } catch (RuntimeException | IOException e) {
                fail(e.getMessage());
                code = 1;
            } finally {
                try {
                    out.flush();
                    err.flush();
                } catch (IOException ignored) {
                    // the client is gone
                }
                exit.onExit(code);
            }
        }

        private void fail(String message) {
            try {
                err.write(("helix: " + message + "\n").getBytes(StandardCharsets.UTF_8));
                err.flush();
            } catch (IOException ignored) {
                // the client is gone
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
