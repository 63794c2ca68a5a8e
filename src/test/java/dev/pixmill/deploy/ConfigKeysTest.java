package dev.pixmill.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The property catalogue the deployment checks rest on: it must know real names and refuse others. */
class ConfigKeysTest {

    private final ConfigKeys keys = ConfigKeys.load();

    @Test
    void knowsQuarkusAndPixmillRunTimeProperties() {
        assertThat(keys.problem("QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE")).isEmpty();
        assertThat(keys.problem("QUARKUS_DATASOURCE_REACTIVE_URL")).isEmpty();
        assertThat(keys.problem("QUARKUS_HTTP_PROXY_TRUSTED_PROXIES")).isEmpty();
        assertThat(keys.problem("PIXMILL_JOBS_SHUTDOWN_GRACE")).isEmpty();
        assertThat(keys.problem("PIXMILL_LIMITS_ANONYMOUS_REQUESTS_PER_MINUTE")).isEmpty();
        // Optional, no default: still a property
        assertThat(keys.problem("PIXMILL_ADMIN_TOKEN")).isEmpty();
        assertThat(keys.problem("PIXMILL_GENERATE_OPENAI_API_KEY")).isEmpty();
    }

    @Test
    void refusesMisspelledAndBuildTimeProperties() {
        assertThat(keys.problem("PIXMILL_JOBS_SHUTDOWN_GRACE_PERIOD")).contains("PIXMILL_JOBS_SHUTDOWN_GRACE_PERIOD sets no configuration property");
        assertThat(keys.problem("PIXMILL_ADMIN_TOKENS")).isPresent();
        assertThat(keys.problem("QUARKUS_HTTP_LIMIT_MAX_BODY_SIZE")).isPresent();
        // read when the application is built: setting it on a container changes nothing
        assertThat(keys.problem("QUARKUS_DATASOURCE_DB_KIND")).hasValueSatisfying(p -> assertThat(p).contains("build time"));
    }

    @Test
    void environmentNamesFollowSmallRyeConfig() {
        assertThat(ConfigKeys.envName("pixmill.jobs.shutdown-grace")).isEqualTo("PIXMILL_JOBS_SHUTDOWN_GRACE");
        assertThat(ConfigKeys.envPattern("quarkus.log.category.\"categories\".level").matcher("QUARKUS_LOG_CATEGORY_DEV_PIXMILL_LEVEL").matches()).isTrue();
    }
}
