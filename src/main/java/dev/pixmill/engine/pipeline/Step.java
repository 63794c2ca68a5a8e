package dev.pixmill.engine.pipeline;

/** One stage of the conversion pipeline; it reads and updates the shared context. */
public interface Step {

    String name();

    void run(PipelineContext ctx);
}
