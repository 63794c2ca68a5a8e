package dev.pixmill.web;

import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageInfo;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.support.Accounts;
import dev.pixmill.support.Browser;
import dev.pixmill.support.Magic;
import dev.pixmill.support.Pictures;
import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.support.ui.Select;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.pixmill.support.Batches.unzip;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The converter page end to end in headless Chromium against the real service (random port, real
 * PostgreSQL, real engine): files picked and dropped, one batch upload, live progress, the
 * before/after view checked against the job document, the per-file and ZIP downloads decoded.
 * Screenshots are kept under target/web-e2e/.
 */
@QuarkusTest
class WebPageTest {

    private static final Duration CONVERSION = Duration.ofSeconds(30);
    private static final ImageLimits GENEROUS = new ImageLimits(50 << 20, 10000, 10000, 100, true);

    @TestHTTPResource("/")
    URL page;

    @Inject
    ImageEngine engine;

    static Browser browser;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start(1280, 1600);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void openPage() {
        browser.driver.manage().window().setSize(new Dimension(1280, 1600));
        browser.driver.get(page.toString());
        browser.script("localStorage.clear()");
        browser.driver.navigate().refresh();
        browser.await("the page's script to start", Duration.ofSeconds(10),
                () -> "true".equals(browser.script("return document.documentElement.dataset.ready")));
    }

    @Test
    void convertsTwoPickedFilesShowsBeforeAndAfterAndDownloads() throws Exception {
        Path dir = Files.createTempDirectory("pixmill-web-");
        byte[] jpeg = TestImages.encode(Pictures.photo(640, 480), "jpg");
        byte[] png = TestImages.encode(Pictures.graphic(600, 400), "png");
        Path photo = Files.write(dir.resolve("holiday.jpg"), jpeg);
        Path chart = Files.write(dir.resolve("chart.png"), png);

        new Select(find("#format")).selectByValue("webp");
        find("#s-box").click();
        find("#width").sendKeys("320");
        find("#file-input").sendKeys(photo + "\n" + chart);
        assertThat(find("#start").getText()).isEqualTo("Convert 2 files");
        find("#start").click();

        browser.await("both files converted", CONVERSION, () -> count(".batch[data-job-id] .file[data-state=done]") == 2);
        WebElement batch = find(".batch[data-job-id]");
        JsonPath job = given().get("/api/v1/jobs/{id}", batch.getAttribute("data-job-id"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(job.getString("status")).isEqualTo("completed");
        List<WebElement> files = batch.findElements(By.cssSelector(".file"));
        int[][] expected = { { 320, 240 }, { 320, 213 } };
        byte[][] inputs = { jpeg, png };
        for (int i = 0; i < 2; i++) {
            WebElement file = files.get(i);
            Map<String, Object> item = job.getMap("items[" + i + "]");
            int width = ((Number) item.get("width")).intValue();
            int height = ((Number) item.get("height")).intValue();
            long outputSize = ((Number) item.get("output_size")).longValue();
            assertThat(new int[] { width, height }).containsExactly(expected[i]);
            assertThat(file.getAttribute("data-item-id")).isEqualTo(item.get("id"));

            // the result as the page shows it: its facts are the job's, and the browser decoded both images
            browser.await("both previews decoded", Duration.ofSeconds(10), () -> (Boolean) browser.script(
                    "return Array.from(arguments[0].querySelectorAll('.compare img')).every(i => i.complete && i.naturalWidth > 0)",
                    file));
            assertThat(((Number) browser.script("return arguments[0].querySelector('.after img').naturalWidth", file)).intValue())
                    .isEqualTo(width);
            assertThat(((Number) browser.script("return arguments[0].querySelector('.before img').naturalWidth", file)).intValue())
                    .isEqualTo(i == 0 ? 640 : 600);
            String after = file.findElement(By.cssSelector(".after-facts")).getText();
            assertThat(after).contains(width + " × " + height + " px").contains("WEBP");
            assertThat(file.findElement(By.cssSelector(".after-facts data")).getAttribute("value"))
                    .isEqualTo(String.valueOf(outputSize));
            assertThat(file.findElement(By.cssSelector(".before-facts")).getText())
                    .contains((i == 0 ? "640 × 480" : "600 × 400") + " px");
            assertThat(file.findElement(By.cssSelector(".before-facts data")).getAttribute("value"))
                    .isEqualTo(String.valueOf(inputs[i].length));
            String saved = file.findElement(By.cssSelector(".savings")).getText();
            double percent = Math.round((inputs[i].length - outputSize) * 1000.0 / inputs[i].length) / 10.0;
            assertThat(saved).contains(percent > 0 ? "smaller" : "larger");
            assertThat(saved.replace(',', '.')).contains(stripZero(Math.abs(percent)) + " %");

            // the page's own download link gives the job's bytes: a real WebP of those dimensions
            WebElement link = file.findElement(By.cssSelector("a.download"));
            assertThat(link.getAttribute("href")).isEqualTo(item.get("download_url"));
            assertThat(link.getAttribute("download")).isEqualTo(item.get("filename"));
            byte[] result = given().get(link.getAttribute("href")).then().statusCode(200).extract().asByteArray();
            assertThat(Magic.matches(ImageFormat.WEBP, result)).isTrue();
            assertThat(result.length).isEqualTo(outputSize);
            ImageInfo info = engine.probe(result, GENEROUS);
            assertThat(info.width()).isEqualTo(width);
            assertThat(info.height()).isEqualTo(height);
        }

        // "Download all": the batch API's ZIP, with both results as the links gave them
        WebElement zipLink = batch.findElement(By.cssSelector("a.download-all"));
        assertThat(zipLink.getText()).contains("2 files");
        byte[] zip = given().get(zipLink.getAttribute("href")).then().statusCode(200).contentType("application/zip")
                .extract().asByteArray();
        Map<String, byte[]> entries = unzip(zip);
        assertThat(entries.keySet()).containsExactly("holiday.webp", "chart.webp");
        for (int i = 0; i < 2; i++) {
            byte[] entry = entries.values().toArray(byte[][]::new)[i];
            assertThat(Magic.matches(ImageFormat.WEBP, entry)).isTrue();
            assertThat(engine.probe(entry, GENEROUS).width()).isEqualTo(expected[i][0]);
        }
        assertThat(find(".batch[data-job-id] .batch-summary").getText()).isEqualTo("2 of 2 converted.");
        assertThat(find("#status").getText()).contains("2 of 2 converted");
        browser.screenshot("converted-wide");

        // side by side on a wide screen, one frame with a slider on a phone, moved by the keyboard
        assertThat(find(".compare-frame").getCssValue("display")).isEqualTo("grid");
        assertThat(find(".slider").isDisplayed()).isFalse();
        browser.driver.manage().window().setSize(new Dimension(360, 1200));
        browser.await("the phone layout", Duration.ofSeconds(5), () -> find(".slider").isDisplayed());
        assertThat(find(".compare-frame").getCssValue("display")).isEqualTo("block");
        assertThat(find(".compare-frame .after").getCssValue("position")).isEqualTo("absolute");
        assertThat((Boolean) browser.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                .as("no sideways scrolling at 360 px").isTrue();
        WebElement reveal = find(".reveal");
        reveal.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT);
        assertThat(reveal.getAttribute("value")).isEqualTo("53");
        assertThat(browser.script("return arguments[0].style.getPropertyValue('--reveal')", find(".compare-frame")))
                .isEqualTo("53%");
        browser.screenshot("converted-phone");
    }

    @Test
    void droppedFilesShowAReadableErrorForTheOneThatIsNotAnImage() {
        byte[] png = TestImages.png(640, 480);
        browser.script("""
                const dt = new DataTransfer();
                for (const [name, type, b64] of arguments[0]) {
                  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
                  dt.items.add(new File([bytes], name, { type }));
                }
                const zone = document.getElementById('drop');
                for (const type of ['dragenter', 'dragover', 'drop']) {
                  zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
                }
                """, List.of(List.of("logo.png", "image/png", Base64.getEncoder().encodeToString(png)),
                List.of("notes.txt", "text/plain", Base64.getEncoder().encodeToString(
                        "shopping list: milk, eggs".getBytes(StandardCharsets.UTF_8)))));
        assertThat(count(".file[data-state=ready]")).isEqualTo(2);

        find("#s-preset").click();
        browser.await("the presets", Duration.ofSeconds(5),
                () -> !find("#preset").findElements(By.cssSelector("option[value=email_header]")).isEmpty());
        new Select(find("#preset")).selectByValue("favicon");
        assertThat(new Select(find("#format")).getFirstSelectedOption().getAttribute("value")).isEqualTo("ico");
        assertThat(find("#preset-hint").getText()).contains("ICO");
        new Select(find("#format")).selectByValue("webp");
        new Select(find("#preset")).selectByValue("email_header");
        find("#start").click();

        browser.await("one done and one failed", CONVERSION, () -> count(".file[data-state=done]") == 1
                && count(".file[data-state=failed]") == 1);
        List<WebElement> files = browser.driver.findElements(By.cssSelector(".batch[data-job-id] .file"));
        assertThat(files.get(0).getAttribute("data-state")).isEqualTo("done");
        assertThat(files.get(0).findElement(By.cssSelector(".after-facts")).getText()).contains("267 × 200 px");
        WebElement error = files.get(1).findElement(By.cssSelector(".file-error"));
        assertThat(error.isDisplayed()).isTrue();
        assertThat(error.getText()).startsWith("This file is not an image Pixmill can read.");
        assertThat(files.get(1).findElements(By.cssSelector(".compare img")).stream().noneMatch(WebElement::isDisplayed))
                .isTrue();
        assertThat(find(".batch-summary").getText()).isEqualTo("1 of 2 converted, 1 failed (the reason is shown under each file).");
        assertThat(find("a.download-all").getText()).contains("1 file)");
        browser.screenshot("dropped-with-error");
    }

    @Test
    void uploadProgressGoesFileByFileAndALostConnectionIsSaidPlainly() throws Exception {
        Path dir = Files.createTempDirectory("pixmill-web-");
        Path first = Files.write(dir.resolve("first.jpg"), TestImages.encode(Pictures.photo(800, 600), "jpg"));
        Path second = Files.write(dir.resolve("second.jpg"), TestImages.encode(Pictures.photo(700, 500), "jpg"));
        // every change of the files' states as the page shows it, to see the upload's order afterwards
        browser.script("""
                window.seen = [];
                new MutationObserver(() => window.seen.push(Array.from(document.querySelectorAll('.batch'))
                    .flatMap(b => Array.from(b.querySelectorAll('.file-state'))).map(s => s.textContent).join(' | ')))
                  .observe(document.getElementById('batches'), { subtree: true, childList: true, characterData: true });
                """);
        ChromiumNetworkConditions slow = new ChromiumNetworkConditions();
        slow.setLatency(Duration.ofMillis(5));
        slow.setUploadThroughput(96 * 1024);
        slow.setDownloadThroughput(10 << 20);
        browser.driver.setNetworkConditions(slow);
        try {
            find("#file-input").sendKeys(first + "\n" + second);
            find("#start").click();
            browser.await("both files converted", CONVERSION, () -> count(".file[data-state=done]") == 2);
        } finally {
            browser.driver.deleteNetworkConditions();
        }
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) browser.script("return window.seen");
        assertThat(seen).as("the first file part-way while the second waits")
                .anyMatch(s -> s.matches("Uploading [1-9][0-9]? % \\| Uploading 0 %"));
        assertThat(seen).as("the first file sent while the second is part-way")
                .anyMatch(s -> s.matches("Uploaded, the server is reading it \\| Uploading [1-9][0-9]? %"));
        assertThat(seen).noneMatch(s -> s.matches("Uploading [0-9]+ % \\| Uploaded.*"));

        // the network gone before an upload: each file says so in words, nothing hangs
        ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
        offline.setOffline(true);
        browser.driver.setNetworkConditions(offline);
        try {
            find("#file-input").sendKeys(first.toString());
            find("#start").click();
            browser.await("the upload to fail", Duration.ofSeconds(10), () -> count(".file[data-state=failed]") == 1);
        } finally {
            browser.driver.deleteNetworkConditions();
        }
        assertThat(find(".file[data-state=failed] .file-error").getText())
                .isEqualTo("The connection to the server was lost. Check your network and try again.");
    }

    @Test
    void refusalsAreSaidInPlainWords() {
        // the page's own wording module, run in the browser, for answers the service gives under load or limits
        @SuppressWarnings("unchecked")
        Map<String, String> said = (Map<String, String>) browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/assets/words.js').then(w => {
                  const headers = { 'Retry-After': '42' };
                  const header = name => headers[name] ?? null;
                  done({
                    rateAnonymous: w.batchError(429, { error: 'rate_limited', message: 'x' }, header, false),
                    rateKeyed: w.batchError(429, { error: 'rate_limited', message: 'x' }, header, true),
                    quota: w.batchError(429, { error: 'quota_exceeded', message: 'x' }, () => '7200', false),
                    busy: w.batchError(503, { error: 'service_busy', message: 'x' }, () => '3', false),
                    tooMany: w.batchError(400, { error: 'too_many_files', message: 'x' }, header, false),
                    badKey: w.batchError(401, { error: 'invalid_api_key', message: 'x' }, header, false),
                    unknown500: w.batchError(500, null, header, false),
                    empty: w.itemError('the file is empty'),
                    huge: w.itemError('the image is 9000x100 pixels, over the limit of 8000x8000'),
                    broken: w.itemError('the JPEG cannot be decoded: premature end of data'),
                    bigFile: w.itemError('the file is 25.3 MB; the limit is 20 MB'),
                    bigBytes: w.itemError('file is 30000000 bytes; the limit is 20971520 bytes'),
                  });
                }, e => done({ error: String(e) }));
                """);
        assertThat(said.get("rateAnonymous")).isEqualTo("Too many requests in a short time. Try again in 42 seconds. "
                + "Without an API key the anonymous limits apply; a key raises them.");
        assertThat(said.get("rateKeyed")).isEqualTo("Too many requests in a short time. Try again in 42 seconds.");
        assertThat(said.get("quota")).startsWith("Today's allowance of conversions is used up. Try again in 2 hours.");
        assertThat(said.get("busy")).isEqualTo("The server is busy right now. Try again in 3 seconds.");
        assertThat(said.get("tooMany")).isEqualTo("Too many files in one go: at most 50 at a time.");
        assertThat(said.get("badKey")).contains("API key was not accepted");
        assertThat(said.get("unknown500")).isEqualTo("The server could not take the files (error 500). Try again later.");
        assertThat(said.get("empty")).startsWith("The file is empty.");
        assertThat(said.get("huge")).startsWith("The image has too many pixels.");
        assertThat(said.get("broken")).startsWith("The image is damaged or incomplete and cannot be read.");
        assertThat(said.get("bigFile")).isEqualTo("The file is too large. Details: the file is 25.3 MB; the limit is 20 MB.");
        assertThat(said.get("bigBytes")).startsWith("The file is too large.");
    }

    @Test
    void aKeyEnteredOnceIsKeptLocallyAndOwnsTheBatch() throws Exception {
        String key = Accounts.createKey("web page", "free", 1000).getString("key");
        find("#api-key").sendKeys("kp_" + "x".repeat(32), Keys.ENTER);
        browser.await("the unknown key refused", Duration.ofSeconds(5), () -> !find("#key-error").getText().isEmpty());
        assertThat(find("#key-error").getText()).contains("not accepted");
        assertThat(browser.script("return localStorage.getItem('pixmill.apiKey')")).isNull();

        find("#api-key").clear();
        find("#api-key").sendKeys(key);
        find("#key-save").click();
        browser.await("the key saved", Duration.ofSeconds(5), () -> find("#key-state").getText().startsWith("Using the key"));
        assertThat(find("#key-state").getText()).contains(key.substring(key.length() - 4)).doesNotContain(key);
        browser.driver.navigate().refresh();
        browser.await("the page's script to start", Duration.ofSeconds(10),
                () -> "true".equals(browser.script("return document.documentElement.dataset.ready")));
        assertThat(find("#key-state").getText()).startsWith("Using the key");
        assertThat(find("#key-forget").isDisplayed()).isTrue();

        Path photo = Files.write(Files.createTempDirectory("pixmill-web-").resolve("keyed.jpg"), TestImages.jpeg(200, 100));
        new Select(find("#format")).selectByValue("png");
        find("#file-input").sendKeys(photo.toString());
        find("#start").click();
        browser.await("the keyed file converted", CONVERSION, () -> count(".file[data-state=done]") == 1);

        // the job is the key's: the page followed it with the key, the anonymous caller cannot see it
        String jobId = find(".batch[data-job-id]").getAttribute("data-job-id");
        given().get("/api/v1/jobs/{id}", jobId).then().statusCode(404);
        given().header("X-API-Key", key).get("/api/v1/jobs/{id}", jobId).then().statusCode(200);

        // its ZIP needs the key too: the page fetches it with the header and saves it
        find("button.download-all").click();
        Path saved = browser.downloads.resolve("pixmill-" + jobId + ".zip");
        browser.await("the ZIP saved", Duration.ofSeconds(10), () -> Files.isRegularFile(saved));
        Map<String, byte[]> entries = unzip(Files.readAllBytes(saved));
        assertThat(entries.keySet()).containsExactly("keyed.png");
        byte[] png = entries.get("keyed.png");
        assertThat(Magic.matches(ImageFormat.PNG, png)).isTrue();
        assertThat(engine.probe(png, GENEROUS).width()).isEqualTo(200);

        find("#key-forget").click();
        assertThat(browser.script("return localStorage.getItem('pixmill.apiKey')")).isNull();
        assertThat(find("#key-state").getText()).isEqualTo("No key: anonymous limits apply.");
    }

    @Test
    void everyControlIsLabelledAndTextMeetsContrast() {
        // labels: every form control a person can reach has an accessible name from a label
        @SuppressWarnings("unchecked")
        List<String> unlabelled = (List<String>) browser.script("""
                return Array.from(document.querySelectorAll('input, select, textarea, button'))
                  .filter(el => el.type !== 'hidden' && !el.closest('template'))
                  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                    && !(el.tagName === 'BUTTON' && el.textContent.trim()))
                  .map(el => el.id || el.outerHTML);
                """);
        assertThat(unlabelled).isEmpty();
        assertThat(find("html").getAttribute("lang")).isEqualTo("en");
        assertThat(find("#status").getAttribute("aria-live")).isEqualTo("polite");

        // the file input is reachable by the keyboard (visually hidden, not removed), and its label is the drop zone
        WebElement input = find("#file-input");
        assertThat(input.getCssValue("display")).isNotEqualTo("none");
        assertThat((Boolean) browser.script("arguments[0].focus(); return document.activeElement === arguments[0]", input))
                .isTrue();
        assertThat(find(".drop-label").getCssValue("outline-style")).isEqualTo("solid");

        // WCAG AA contrast of the page's text against the background it sits on, in both colour schemes
        for (String scheme : List.of("light", "dark")) {
            browser.driver.executeCdpCommand("Emulation.setEmulatedMedia",
                    Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
            assertThat(browser.script("return matchMedia('(prefers-color-scheme: dark)').matches"))
                    .isEqualTo(scheme.equals("dark"));
            assertThat(poorContrast()).as(scheme).isEmpty();
        }
        browser.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
    }

    @SuppressWarnings("unchecked")
    private static List<String> poorContrast() {
        return (List<String>) browser.script("""
                const rgb = s => s.match(/[\\d.]+/g).map(Number);
                const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                  .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
                const background = el => {
                  for (let e = el; e; e = e.parentElement) {
                    const c = rgb(getComputedStyle(e).backgroundColor);
                    if (c.length < 4 || c[3] > 0) return c;
                  }
                  return [255, 255, 255];
                };
                const out = [];
                for (const el of document.querySelectorAll('h1, h2, p, label, legend, button, .button-like, span, select, input')) {
                  if (!el.getClientRects().length) continue;
                  // controls without text (range, radio, checkbox) are drawn in the accent colour: 3:1 (WCAG 1.4.11)
                  const graphic = ['range', 'radio', 'checkbox'].includes(el.type);
                  const style = getComputedStyle(el);
                  const fg = lum(rgb(graphic ? style.accentColor : style.color)), bg = lum(background(el));
                  const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
                  if (ratio < (graphic ? 3 : 4.5) && !el.disabled) out.push((el.id || el.className || el.tagName) + ': ' + ratio.toFixed(2));
                }
                return out;
                """);
    }

    private static String stripZero(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static WebElement find(String css) {
        return browser.driver.findElement(By.cssSelector(css));
    }

    private static int count(String css) {
        return browser.driver.findElements(By.cssSelector(css)).size();
    }
}
