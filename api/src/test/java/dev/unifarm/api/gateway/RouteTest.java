package dev.unifarm.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTest {

    private static final Optional<String> NO_DOMAIN = Optional.empty();
    private static final Optional<String> DOMAIN = Optional.of("apps.test");

    @Test
    void testOf_pathPrefixIsTheAppAndIsStripped() {
        assertThat(Route.of("127.0.0.1:8081", "/shop/cart/1?x=2", NO_DOMAIN)).hasValue(new Route("shop", "/cart/1?x=2"));
        assertThat(Route.of("127.0.0.1:8081", "/shop", NO_DOMAIN)).hasValue(new Route("shop", "/"));
        assertThat(Route.of("127.0.0.1:8081", "/shop?x=2", NO_DOMAIN)).hasValue(new Route("shop", "/?x=2"));
        assertThat(Route.of("127.0.0.1:8081", "/shop/", NO_DOMAIN)).hasValue(new Route("shop", "/"));
    }

    @Test
    void testOf_noAppInThePathIsNoRoute() {
        assertThat(Route.of("127.0.0.1:8081", "/", NO_DOMAIN)).isEmpty();
        assertThat(Route.of("127.0.0.1:8081", "//x", NO_DOMAIN)).isEmpty();
        assertThat(Route.of("127.0.0.1:8081", "*", NO_DOMAIN)).isEmpty();
    }

    @Test
    void testOf_hostUnderTheDomainNamesTheAppAndKeepsThePath() {
        assertThat(Route.of("shop.apps.test:8081", "/cart", DOMAIN)).hasValue(new Route("shop", "/cart"));
        assertThat(Route.of("Shop.Apps.Test", "/", DOMAIN)).hasValue(new Route("shop", "/"));
    }

    @Test
    void testOf_hostOutsideTheDomainFallsBackToThePath() {
        assertThat(Route.of("apps.test", "/shop/x", DOMAIN)).hasValue(new Route("shop", "/x"));
        assertThat(Route.of("a.b.apps.test", "/shop/x", DOMAIN)).hasValue(new Route("shop", "/x"));
        assertThat(Route.of("shop.other.test", "/shop/x", DOMAIN)).hasValue(new Route("shop", "/x"));
        assertThat(Route.of("shop.apps.test", "/x", NO_DOMAIN)).hasValue(new Route("x", "/"));
    }
}
