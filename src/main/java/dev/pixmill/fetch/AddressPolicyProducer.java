package dev.pixmill.fetch;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** One {@link AddressPolicy} for every outbound call made for a caller (URL fetch, webhooks). */
public class AddressPolicyProducer {

    @Produces
    @Singleton
    AddressPolicy addressPolicy(FetchConfig config) {
        return AddressPolicy.of(config);
    }
}
