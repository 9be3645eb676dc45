/**
 * Berth's shared API: the names Berth's bundles agree on and the component property types
 * that stage and app bundles use to declare themselves.
 */
@Export
@Version("1.11.0")
package io.berth.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
