package dev.pixmill.engine;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A plain {@code java -jar} gets a heap of a quarter of the machine's memory, which the collector
 * then fills before it collects. When no heap size was given, Pixmill asks the JVM, through its
 * manageable flags, to keep the heap near {@link #SOFT_MAX_HEAP} and to hand free heap back, so
 * that the defaults live in the program and not only in {@code bin/run} ({@code -Xmx256m}).
 * Explicit {@code -Xmx}/{@code -XX:MaxRAMPercentage} settings are left alone.
 */
@Singleton
public class HeapDefaults {

    private static final Logger LOG = Logger.getLogger(HeapDefaults.class);
    static final String SOFT_MAX_HEAP = String.valueOf(256L << 20);

    void onStart(@Observes StartupEvent event) {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean sized = args.stream().anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxHeapSize")
                || a.startsWith("-XX:MaxRAMPercentage") || a.startsWith("-XX:MaxRAM=")
                || a.startsWith("-XX:SoftMaxHeapSize"));
        if (sized) {
            return;
        }
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        set(vm, "SoftMaxHeapSize", SOFT_MAX_HEAP);
        set(vm, "MinHeapFreeRatio", "10");
        set(vm, "MaxHeapFreeRatio", "30");
        set(vm, "G1PeriodicGCInterval", "15000");
        LOG.infof("no heap size given: soft maximum heap %d MB (start with -Xmx to choose)",
                Long.parseLong(SOFT_MAX_HEAP) >> 20);
    }

    private static void set(HotSpotDiagnosticMXBean vm, String flag, String value) {
        try {
            vm.setVMOption(flag, value);
        } catch (RuntimeException e) {
            LOG.debugf("%s not set: %s", flag, e.getMessage()); // not manageable on this VM or collector
        }
    }
}
