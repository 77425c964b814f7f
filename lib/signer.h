/*
 * signer.h - the signer's private key and certificate for cc-sign and
 * cc-stamp, from a PKCS#12 file or a PKCS#11 token (RFC 7512 "pkcs11:" URI,
 * through libp11), and the PIN that opens them (a mode-0600 file or a
 * prompt on /dev/tty with echo off).
 *
 * A signer owns its key, certificate, chain and, for a token, the loaded
 * PKCS#11 module and the logged-in session: the key signs on the token for
 * as long as the signer is open, so a batch loads the module and asks for
 * the PIN once. Every failure is CC_SYSTEM ("key or PIN", exit 4), except
 * a malformed pkcs11 URI or one carrying pin-value, which are CC_USAGE.
 *
 * What is accepted as the signer's certificate: it matches the private key,
 * is valid at opts.now, and, when it has a keyUsage extension, that allows
 * digitalSignature or nonRepudiation. A certificate without keyUsage is
 * accepted (RFC 5280 4.2.1.3: no restriction). extendedKeyUsage, the chain
 * and revocation are not checked here: that depends on the tool (a seal, a
 * time-stamp) and is cc-verify's job.
 *
 * Choices: --key is a URI when it starts with "pkcs11:" (a file of that
 * name is "./pkcs11:..."). A PKCS#12 file whose MAC checks with the empty
 * password needs no PIN. opts.pin_file wins over the URI's pin-source, and
 * opts.module over its module-path. The URI must select one token and one
 * private key (by object and/or id; type=cert names the same pair); the
 * certificate is the token's one for that key. Unknown path attributes,
 * module-name and a pin-source command ("|...") are refused, unknown query
 * attributes ignored. Several keys in a PKCS#12 file: the first that has a
 * certificate fit to sign. RC2 (legacy) PKCS#12 files load OpenSSL's
 * "legacy" provider (with "default") for the signer's lifetime only.
 */
#ifndef CC_SIGNER_H
#define CC_SIGNER_H

#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "error.h"
#include "secret.h"

struct cc_signer;

struct cc_signer_opts {
	/* FILE.p12 (PKCS#12) or an RFC 7512 "pkcs11:" URI. */
	const char *key;
	/* PKCS#11 module; NULL: the URI's module-path, else p11-kit's proxy
	 * module when installed. */
	const char *module;
	/* A mode-0600 file holding the PIN; NULL: the URI's pin-source, else
	 * a prompt "PIN for 'x': " on /dev/tty. */
	const char *pin_file;
	/* More certificate files (PEM or DER, one or more certificates
	 * each), NULL-terminated; may be NULL. */
	const char *const *chain;
	/* When the certificate must be valid; 0: now. */
	time_t now;
};

struct cc_signer *cc_signer_open(const struct cc_signer_opts *o,
				 struct cc_error *err);
/* The key signs with EVP_DigestSign*, EVP_PKEY_sign and CMS_add1_signer
 * (on the token for PKCS#11). Owned by the signer, like all below. */
EVP_PKEY *cc_signer_key(const struct cc_signer *s);
X509 *cc_signer_cert(const struct cc_signer *s);
/* The other certificates (all of the .p12's, the token's CA certificates,
 * those of opts.chain), without the signer's and without duplicates: first
 * the path from the signer's issuer upward as far as it goes, then the rest
 * in the order found. */
STACK_OF(X509) * cc_signer_chain(const struct cc_signer *s);
/* The subject's (last) CN in UTF-8, else the whole subject on one line. */
const char *cc_signer_name(const struct cc_signer *s);
/* Frees everything, unloads the module (logging out); NULL is fine. */
void cc_signer_close(struct cc_signer *s);


#endif
