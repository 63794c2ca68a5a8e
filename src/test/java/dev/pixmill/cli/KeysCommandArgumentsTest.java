package dev.pixmill.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's arguments, checked before anything starts: help, and usage errors with exit code 2. */
class KeysCommandArgumentsTest {

    private static final List<String> COMMANDS = List.of("create", "list", "show", "top-up", "set-plan", "set-limits",
            "rotate-secret", "revoke");

    @Test
    void everyCommandHasHelp() {
        Run all = check("--help");
        assertThat(all.code).isZero();
        assertThat(all.out).contains(COMMANDS).contains("Exit codes:", "Usage: pixmill keys");
        for (String command : COMMANDS) {
            Run one = check(command, "--help");
            assertThat(one.code).as(command).isZero();
            assertThat(one.out).as(command).contains("Usage: pixmill keys " + command, "--json", "-h, --help");
            assertThat(one.err).isEmpty();
        }
    }

    @Test
    void mistakesAreUsageErrors() {
        String id = UUID.randomUUID().toString();
        for (String[] args : List.of(new String[] {}, new String[] { "frobnicate" }, new String[] { "show" },
                new String[] { "show", "not-a-uuid" }, new String[] { "top-up", id, "5" },
                new String[] { "top-up", id, "five", "--reason", "r" }, new String[] { "create", "--credits", "many" },
                new String[] { "set-plan", id }, new String[] { "list", "--colour" })) {
            Run run = check(args);
            assertThat(run.code).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.err).as(String.join(" ", args)).contains("Usage: pixmill keys");
            assertThat(run.out).isEmpty();
        }
        assertThat(check("show", "not-a-uuid").err).contains("KEY_ID");
        assertThat(check("top-up", id, "5").err).contains("--reason");
    }

    @Test
    void wellFormedCommandsGoOnToRun() {
        String id = UUID.randomUUID().toString();
        for (String[] args : List.of(new String[] { "list" }, new String[] { "list", "--json" },
                new String[] { "create", "--name", "ci", "--plan", "professional", "--credits", "10" },
                new String[] { "show", id }, new String[] { "top-up", id, "5", "--reason", "order 1" },
                new String[] { "set-plan", id, "free", "--limits", "{}" }, new String[] { "set-limits", id, "{}" },
                new String[] { "rotate-secret", id, "--json" }, new String[] { "revoke", id })) {
            assertThat(check(args).code).as(String.join(" ", args)).isEqualTo(-1);
        }
    }

    @Test
    void theCommandModeRunIsNoReplica() {
        assertThat(CommandMode.OVERRIDES).containsEntry("quarkus.http.host-enabled", "false")
                .containsEntry("pixmill.jobs.worker-enabled", "false")
                .containsEntry("pixmill.webhooks.sender-enabled", "false")
                .containsEntry("quarkus.scheduler.enabled", "false")
                .containsEntry("quarkus.log.console.stderr", "true");
        assertThat(CommandMode.wants(new String[] { "keys", "list" })).isTrue();
        assertThat(CommandMode.wants(new String[] {})).isFalse();
        assertThat(CommandMode.wants(new String[] { "-Dx=y" })).isFalse();
    }

    private record Run(int code, String out, String err) {
    }

    private static Run check(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = KeysCommand.check(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
