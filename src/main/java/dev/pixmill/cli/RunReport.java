package dev.pixmill.cli;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * What a file command did, as {@code --json} prints it (members in snake_case): one entry per
 * input in the order of the arguments, then the totals.
 */
@RegisterForReflection(targets = { RunReport.class, RunReport.FileReport.class, RunReport.Failure.class,
        RunReport.Summary.class })
record RunReport(String command, List<FileReport> files, Summary summary) {

    /**
     * One input: its result ({@code output} is {@code -} for stdout), or why it has none.
     *
     * @param bytesIn the input's size; null when it could not be read
     */
    record FileReport(String input, String output, String format, Integer width, Integer height, Long bytesIn,
            Long bytesOut, Failure error) {

        static FileReport failed(String input, Long bytesIn, String code, String message) {
            return new FileReport(input, null, null, null, null, bytesIn, null, new Failure(code, message));
        }

        boolean ok() {
            return error == null;
        }
    }

    /** The same stable codes as the HTTP answers ({@code invalid_image}, {@code image_too_large}, ...). */
    record Failure(String code, String message) {
    }

    /**
     * @param bytesIn the inputs converted (failed ones not counted), so the saving compares like with like
     * @param savingsPercent 1 - out/in, in percent; negative when results are larger; null without any
     */
    record Summary(int files, int ok, int failed, long bytesIn, long bytesOut, Double savingsPercent, double seconds) {

        static Summary of(List<FileReport> files, double seconds) {
            long in = 0;
            long out = 0;
            int ok = 0;
            for (FileReport f : files) {
                if (f.ok()) {
                    ok++;
                    in += f.bytesIn();
                    out += f.bytesOut();
                }
            }
            Double savings = in == 0 ? null : Math.round((1 - (double) out / in) * 1000) / 10.0;
            return new Summary(files.size(), ok, files.size() - ok, in, out, savings,
                    Math.round(seconds * 1000) / 1000.0);
        }
    }
}
