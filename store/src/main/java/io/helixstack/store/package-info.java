/**
 * The control plane's state in PostgreSQL: Flyway migrations, JDBI repositories, an embedded PostgreSQL for zero setup.
 * Starting points: {@link io.helixstack.store.Database} (embedded or external), {@link io.helixstack.store.Store}
 * (the repositories), {@link io.helixstack.store.SecretBox} (values encrypted at rest).
 */
package io.helixstack.store;
