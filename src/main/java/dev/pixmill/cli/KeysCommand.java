package dev.pixmill.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.accounts.AccountService;
import dev.pixmill.accounts.LedgerEntry;
import dev.pixmill.accounts.UsageCounters;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.PixmillException;
import dev.pixmill.security.AdminKeyResource.KeyView;
import dev.pixmill.security.AdminKeyResource.TopUpView;
import dev.pixmill.security.AdminKeyResource.WebhookSecretView;
import dev.pixmill.security.ApiKey;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code pixmill keys ...}: the admin API's key operations on the command line, run against the
 * configured database through the same services ({@link AccountService}). Human text by default,
 * {@code --json} for scripts (the admin API's JSON); exit codes 0 done, 1 failed, 2 usage error.
 */
@Command(name = "pixmill keys", mixinStandardHelpOptions = true, version = "pixmill keys 0.1.0",
        description = "Manage API keys, their plans, limits and credits, in the configured database "
                + "(application.properties, overridden by QUARKUS_DATASOURCE_* / PIXMILL_* variables).",
        subcommands = { KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Show.class,
                KeysCommand.TopUp.class, KeysCommand.SetPlan.class, KeysCommand.SetLimits.class,
                KeysCommand.RotateSecret.class, KeysCommand.Revoke.class },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = { "0:done", "1:failed (unknown or revoked key, database unreachable, ...)",
                "2:usage error (unknown option, missing or invalid argument)" })
// picocli reads its annotations by reflection (a native image needs them registered)
@RegisterForReflection(targets = { KeysCommand.class, KeysCommand.Output.class, KeysCommand.Subcommand.class,
        KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Show.class, KeysCommand.TopUp.class,
        KeysCommand.SetPlan.class, KeysCommand.SetLimits.class, KeysCommand.RotateSecret.class,
        KeysCommand.Revoke.class })
public class KeysCommand implements Runnable {

    /** What the commands work with; null while arguments are only being checked (no database yet). */
    public record Services(AccountService accounts, ObjectMapper json) {
    }

    private final Services services;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    KeysCommand(Services services) {
        this.services = services;
    }

    /** The command line over {@code services}, writing to {@code out} and {@code err}. */
    public static CommandLine commandLine(Services services, PrintWriter out, PrintWriter err) {
        CommandLine line = new CommandLine(new KeysCommand(services));
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            String code = e instanceof PixmillException p ? p.code() : "failed";
            command.getErr().println("pixmill keys: " + code + ": " + message(e));
            command.getErr().flush();
            return e instanceof BadRequestException ? 2 : 1;
        });
        return line;
    }

    /**
     * Checks the arguments without running anything: the exit code when they ask for help or are
     * wrong (the help or the error is printed), or -1 when the command should run.
     */
    public static int check(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine line = commandLine(null, out, err);
        try {
            CommandLine.ParseResult parsed = line.parseArgs(args);
            if (CommandLine.executeHelpRequest(parsed) != null) {
                out.flush();
                return 0;
            }
            // "pixmill keys" alone: its usage, as a usage error
            if (!parsed.hasSubcommand()) {
                line.usage(err);
                err.flush();
                return 2;
            }
            return -1;
        } catch (CommandLine.ParameterException e) {
            err.println("pixmill keys: " + e.getMessage());
            e.getCommandLine().usage(err);
            err.flush();
            return 2;
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    // --- the subcommands ---------------------------------------------------------------------

    /** {@code --json}, shared by every subcommand. */
    static class Output {
        @Option(names = "--json", description = "Print JSON (the admin API's answer) instead of text.")
        boolean json;
    }

    /** What every subcommand does: run one service call, print its answer. */
    abstract static class Subcommand implements Callable<Integer> {

        @ParentCommand
        KeysCommand parent;

        @Mixin
        Output output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        AccountService accounts() {
            return parent.services.accounts();
        }

        ObjectMapper json() {
            return parent.services.json();
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** Runs the call on a Vert.x context (the services are reactive) and waits for it. */
        <T> T await(Supplier<Uni<T>> call) {
            try {
                return VertxContextSupport.subscribeAndAwait(call);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /** Prints {@code answer} as one line of JSON, or {@code text} without {@code --json}. */
        Integer print(Object answer, Runnable text) {
            if (output.json) {
                try {
                    out().println(json().writeValueAsString(answer));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                text.run();
            }
            out().flush();
            return 0;
        }

        JsonNode limits(String text) {
            if (text == null) {
                return null;
            }
            try {
                return json().readTree(text);
            } catch (JsonProcessingException e) {
                throw new BadRequestException("invalid_parameter", "--limits is not valid JSON: " + e.getOriginalMessage());
            }
        }

        void keyLines(KeyView k) {
            PrintWriter o = out();
            o.printf("id:              %s%n", k.id());
            o.printf("name:            %s%n", k.name());
            o.printf("prefix:          %s%n", k.prefix());
            o.printf("plan:            %s%n", k.plan());
            o.printf("limits:          %s%n", k.limits());
            o.printf("status:          %s%n", k.revokedAt() == null ? "active" : "revoked " + when(k.revokedAt()));
            o.printf("created:         %s%n", when(k.createdAt()));
            o.printf("webhook secret:  %s%n", k.hasWebhookSecret() ? "set" : "none (rotate-secret makes one)");
            if (k.credits() != null) {
                o.printf("credits:         %d%n", k.credits());
            }
        }

        static String when(Instant t) {
            return t == null ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a key. Its secret (kp_...) and webhook secret are printed this once.")
    static class Create extends Subcommand {

        @Option(names = "--name", description = "A name for the operator's eyes (default: unnamed).")
        String name;

        @Option(names = "--plan", defaultValue = "free", description = "free or professional (default: ${DEFAULT-VALUE}).")
        String plan;

        @Option(names = "--limits", paramLabel = "JSON", description = "Limit overrides as a JSON object, as in the "
                + "admin API, e.g. '{\"optimize_max_bytes\": 5000000}'.")
        String limits;

        @Option(names = "--credits", paramLabel = "N", description = "Credits it starts with (default: the plan's "
                + "pixmill.credits.initial.<plan>).")
        Long credits;

        @Override
        public Integer call() {
            var created = await(() -> accounts().create(name, plan, limits(limits), credits));
            KeyView view = KeyView.of(created, json());
            return print(view, () -> {
                keyLines(view);
                out().printf("key:             %s%n", view.key());
                out().printf("webhook_secret:  %s%n", view.webhookSecret());
                out().println("The key and its webhook secret are shown only now: store them.");
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every key, oldest first, with its credits.")
    static class ListKeys extends Subcommand {

        @Override
        public Integer call() {
            List<KeyView> all = await(() -> accounts().list()).stream().map(k -> KeyView.of(k, json())).toList();
            return print(all, () -> {
                String row = "%-36s  %-7s  %-12s  %10s  %-7s  %-20s  %s%n";
                out().printf(row, "ID", "PREFIX", "PLAN", "CREDITS", "STATUS", "CREATED", "NAME");
                for (KeyView k : all) {
                    out().printf(row, k.id(), k.prefix(), k.plan(), k.credits(),
                            k.revokedAt() == null ? "active" : "revoked", when(k.createdAt()), k.name());
                }
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one key: plan, limits, credits, usage today and the latest ledger entries.")
    static class Show extends Subcommand {

        @Parameters(paramLabel = "KEY_ID", description = "The key's id (a UUID, as list shows it).")
        UUID id;

        @Override
        public Integer call() {
            KeyView view = KeyView.of(await(() -> accounts().show(id)), json());
            return print(view, () -> {
                keyLines(view);
                UsageCounters.Usage usage = view.usage();
                out().printf("usage today:     requests %s, conversions %s (%s)%n", count(usage.requestsToday()),
                        count(usage.conversionsToday()), usage.countedBy());
                out().println("ledger (newest first):");
                String row = "  %8s  %-20s  %-7s  %8s  %8s  %-36s  %s%n";
                out().printf(row, "ENTRY", "WHEN", "KIND", "AMOUNT", "BALANCE", "SUBJECT", "REASON");
                for (LedgerEntry e : view.ledger()) {
                    out().printf(row, e.id(), when(e.createdAt()), e.kind(), String.format("%+d", e.amount()),
                            e.balanceAfter(), e.subjectId() == null ? "-" : e.subjectId(), e.reason());
                }
            });
        }

        private static String count(Long n) {
            return n == null ? "not counted" : n.toString();
        }
    }

    @Command(name = "top-up", mixinStandardHelpOptions = true, description = "Add credits to an active key.")
    static class TopUp extends Subcommand {

        @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id.")
        UUID id;

        @Parameters(index = "1", paramLabel = "AMOUNT", description = "Credits to add (1 to 1000000000).")
        long amount;

        @Option(names = "--reason", required = true, description = "Why, for the ledger (e.g. an order number).")
        String reason;

        @Override
        public Integer call() {
            LedgerEntry entry = await(() -> accounts().topUp(id, amount, reason));
            return print(new TopUpView(id, entry.balanceAfter(), entry), () -> out().printf(
                    "added %d credits to %s: balance %d (ledger entry %d)%n", amount, id, entry.balanceAfter(), entry.id()));
        }
    }

    @Command(name = "set-plan", mixinStandardHelpOptions = true,
            description = "Change an active key's plan (and its limits with --limits). Credits do not change.")
    static class SetPlan extends Subcommand {

        @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id.")
        UUID id;

        @Parameters(index = "1", paramLabel = "PLAN", description = "free or professional.")
        String plan;

        @Option(names = "--limits", paramLabel = "JSON", description = "New limit overrides as a JSON object; they "
                + "replace the key's as a whole ('{}' clears them).")
        String limits;

        @Override
        public Integer call() {
            return changed(await(() -> accounts().update(id, null, plan, limits(limits), limits != null)));
        }

        Integer changed(AccountService.Listed listed) {
            KeyView view = KeyView.of(listed, json());
            return print(view, () -> keyLines(view));
        }
    }

    @Command(name = "set-limits", mixinStandardHelpOptions = true,
            description = "Replace an active key's limit overrides ('{}' clears them).")
    static class SetLimits extends Subcommand {

        @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id.")
        UUID id;

        @Parameters(index = "1", paramLabel = "JSON", description = "The limits as a JSON object, as in the admin API.")
        String limits;

        @Override
        public Integer call() {
            KeyView view = KeyView.of(await(() -> accounts().update(id, null, null, limits(limits), true)), json());
            return print(view, () -> keyLines(view));
        }
    }

    @Command(name = "rotate-secret", mixinStandardHelpOptions = true,
            description = "Give an active key a new webhook secret, printed this once; later deliveries are signed with it.")
    static class RotateSecret extends Subcommand {

        @Parameters(paramLabel = "KEY_ID", description = "The key's id.")
        UUID id;

        @Override
        public Integer call() {
            String secret = await(() -> accounts().rotateWebhookSecret(id));
            return print(new WebhookSecretView(id, secret), () -> out().printf("webhook_secret:  %s%n", secret));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key: it is refused from now on; its credits and ledger stay for the record.")
    static class Revoke extends Subcommand {

        @Parameters(paramLabel = "KEY_ID", description = "The key's id.")
        UUID id;

        @Override
        public Integer call() {
            ApiKey revoked = await(() -> accounts().revoke(id));
            KeyView view = KeyView.of(revoked, null, null, json());
            return print(view, () -> out().printf("revoked %s (%s) at %s%n", id, revoked.prefix, when(revoked.revokedAt)));
        }
    }
}
