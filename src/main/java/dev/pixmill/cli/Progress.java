package dev.pixmill.cli;

import dev.pixmill.cli.RunReport.FileReport;
import dev.pixmill.cli.RunReport.Summary;

import java.io.PrintStream;
import java.util.Locale;

/**
 * What a run shows on stderr while it works: on a terminal a bar redrawn in place, with failures
 * printed above it; otherwise one plain line per file (logs and CI stay readable). Quiet shows
 * failures only. Called from the workers, hence synchronized.
 */
final class Progress {

    private static final int BAR = 30;

    private final PrintStream err;
    private final boolean terminal;
    private final boolean quiet;
    private final long startedNanos = System.nanoTime();
    private int total;
    private int done;
    private int failed;
    private long bytesIn;
    private long bytesOut;
    private boolean barShown;

    Progress(PrintStream err, boolean terminal, boolean quiet) {
        this.err = err;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    synchronized void start(int files) {
        total = files;
        if (terminal && !quiet) {
            drawBar();
        }
    }

    synchronized void finished(FileReport file) {
        done++;
        if (file.ok()) {
            bytesIn += file.bytesIn();
            bytesOut += file.bytesOut();
        } else {
            failed++;
        }
        String line = file.ok()
                ? String.format(Locale.ROOT, "ok      %s -> %s  %dx%d  %s -> %s (%s)", file.input(), file.output(),
                        file.width(), file.height(), bytes(file.bytesIn()), bytes(file.bytesOut()),
                        change(file.bytesIn(), file.bytesOut()))
                : "failed  " + file.input() + ": " + file.error().code() + ": " + file.error().message();
        if (quiet && file.ok()) {
            return;
        }
        if (terminal && !quiet) {
            clearBar();
            if (!file.ok()) {
                err.println(line); // on a terminal the bar is the progress; only failures get a line
            }
            drawBar();
        } else {
            err.println(line);
        }
        err.flush();
    }

    synchronized void summary(Summary s) {
        if (terminal && !quiet) {
            clearBar();
        }
        if (!quiet) {
            err.printf(Locale.ROOT, "%d file%s: %d ok, %d failed; %s -> %s%s; %.1f s%n", s.files(),
                    s.files() == 1 ? "" : "s", s.ok(), s.failed(), bytes(s.bytesIn()), bytes(s.bytesOut()),
                    s.savingsPercent() == null ? "" : String.format(Locale.ROOT, " (%s %.1f %%)",
                            s.savingsPercent() >= 0 ? "saved" : "grew", Math.abs(s.savingsPercent())),
                    s.seconds());
        }
        err.flush();
    }

    private void drawBar() {
        int filled = total == 0 ? BAR : done * BAR / total;
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        err.print(String.format(Locale.ROOT, "\r[%s%s] %d/%d  %s -> %s%s  %.0f s", "#".repeat(filled),
                ".".repeat(BAR - filled), done, total, bytes(bytesIn), bytes(bytesOut),
                failed == 0 ? "" : "  " + failed + " failed", seconds));
        err.flush();
        barShown = true;
    }

    private void clearBar() {
        if (barShown) {
            err.print("\r\033[2K");
            barShown = false;
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", n / 1048576.0);
    }

    private static String change(long in, long out) {
        if (in == 0) {
            return "n/a";
        }
        double pct = (1 - (double) out / in) * 100;
        return String.format(Locale.ROOT, pct >= 0 ? "-%.1f %%" : "+%.1f %%", Math.abs(pct));
    }
}
