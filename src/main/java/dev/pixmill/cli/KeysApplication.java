package dev.pixmill.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.accounts.AccountService;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;

import java.io.PrintWriter;

/** The Quarkus command-mode run of {@code pixmill keys ...} (see {@link CommandMode}). */
public class KeysApplication implements QuarkusApplication {

    @Inject
    AccountService accounts;

    @Inject
    ObjectMapper json;

    @Override
    public int run(String... args) {
        PrintWriter out = new PrintWriter(CommandMode.answers(), true);
        PrintWriter err = new PrintWriter(System.err, true);
        return KeysCommand.commandLine(new KeysCommand.Services(accounts, json), out, err).execute(args);
    }
}
