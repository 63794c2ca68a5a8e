package dev.pixmill.support;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.fail;

/**
 * Debian's headless Chromium through Debian's chromedriver, both at fixed paths so that Selenium
 * never looks for (or downloads) a driver or a browser of its own. bin/setup.sh installs them; a
 * machine without them fails the test, so CI cannot pass without running it.
 */
public final class Browser implements AutoCloseable {

    private static final List<String> CHROMIUM = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
    private static final List<String> DRIVER = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    public final ChromeDriver driver;
    public final Path downloads;
    private final Path profile;

    private Browser(ChromeDriver driver, Path downloads, Path profile) {
        this.driver = driver;
        this.downloads = downloads;
        this.profile = profile;
    }

    public static Browser start(int width, int height) {
        String chromium = existing(CHROMIUM, "chromium");
        String chromedriver = existing(DRIVER, "chromium-driver");
        try {
            Path profile = Files.createTempDirectory("pixmill-chromium-");
            Path downloads = Files.createTempDirectory("pixmill-downloads-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium);
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
            options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                    "download.prompt_for_download", false));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(Path.of(chromedriver).toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
            return new Browser(driver, downloads, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String existing(List<String> paths, String aptPackage) {
        return paths.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElseGet(() -> fail(
                "the web page's end-to-end test needs Debian's " + aptPackage + " (none of " + paths + "): run bin/test, "
                        + "which installs it, or apt-get install chromium chromium-driver"));
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} (with the page's status line) after {@code timeout}. */
    public void await(String what, Duration timeout, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(condition.get())) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        fail(what + " did not happen within " + timeout + "; the page says: " + script(
                "return document.getElementById('status')?.textContent + ' | ' + "
                        + "Array.from(document.querySelectorAll('.file')).map(f => f.innerText).join(' | ')"));
    }

    /** A screenshot of the whole page (the window stretched to its height), kept under target/web-e2e/. */
    public Path screenshot(String name) {
        Dimension window = driver.manage().window().getSize();
        try {
            long height = ((Number) script("return document.documentElement.scrollHeight")).longValue();
            driver.manage().window().setSize(new Dimension(window.getWidth(), (int) Math.min(height + 160, 8000)));
            Path dir = Path.of("target", "web-e2e");
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(window);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
            deleteTree(downloads);
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
