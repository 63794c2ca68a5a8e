package dev.pixmill.engine.pipeline;

import dev.pixmill.error.InvalidImageException;
import java.util.List;

/**
 * An ordered list of steps. The deadline is checked before the first and after every step; within
 * the encode step, where libvips computes the pixels, libvips itself is told to stop at the
 * deadline.
 */
public final class Pipeline {

    private final List<Step> steps;

    public Pipeline(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    public List<Step> steps() {
        return steps;
    }

    public void run(PipelineContext ctx) {
        ctx.checkDeadline();
        for (Step step : steps) {
            step.run(ctx);
            ctx.checkDeadline();
        }
    }

    static InvalidImageException timeout(long seconds) {
        return new InvalidImageException("timeout", "processing took longer than the limit of " + seconds + " s");
    }
}
