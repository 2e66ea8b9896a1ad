"""The city's PAdES signature on performance agreements (PK), and its validation (pyHanko).

The key and certificate belong to the city (settings `PK_SIGNING_*`): a PKCS#12 file, a key
and a certificate as PEM files, or a key on a PKCS#11 token. Without one, agreements are
signed with a demo CA and certificate that `balaikota demo` (or the first signature) makes
under VAR_DIR; the document then says on its face that the signature is a demo's.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)
T = TypeVar("T")

DEMO_FOLDER = "pk-demo"
FIELD_NAME = "PerjanjianKinerja"


@dataclass(frozen=True)
class City:
    """Who signs: pyHanko's signer, the certificate's holder as printed on the document,
    the trust roots a copy is validated against, and whether it is the demo's."""

    signer: signers.Signer
    subject: str
    trust_roots: tuple[asn1_x509.Certificate, ...]
    is_demo: bool


def _demo_dir() -> Path:
    return Path(settings.VAR_DIR) / DEMO_FOLDER


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Pemerintah {settings.CITY_NAME}"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_demo_ca(folder: Path | None = None) -> Path:
    """A demo CA and the city's demo signing certificate, as PEM files in `folder`
    (VAR_DIR/pk-demo): never the city's real key, never committed. Kept if present."""
    folder = folder or _demo_dir()
    if (folder / "signer.pem").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    # Valid from years back: the demo's history, and tests that move the clock, sign then.
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=5 * 365)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Balaikota DEMO CA (bukan untuk produksi)")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=20 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{settings.CITY_NAME} (DEMO)"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=20 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    key_file = folder / "signer-key.pem"
    key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_file.chmod(0o600)
    (folder / "signer.pem").write_bytes(cert.public_bytes(pem))
    return folder


def _load_roots(paths: list[str]) -> tuple[asn1_x509.Certificate, ...]:
    return tuple(load_certs_from_pemder(paths))  # type: ignore[no-untyped-call]


def _configured() -> City | None:
    password = settings.PK_SIGNING_PASSWORD.encode() or None
    chain = list(settings.PK_SIGNING_CHAIN)
    signer: Any
    if settings.PK_SIGNING_PKCS12:
        signer = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
            settings.PK_SIGNING_PKCS12, ca_chain_files=chain or None, passphrase=password
        )
    elif settings.PK_SIGNING_KEY or settings.PK_SIGNING_CERT:
        signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
            settings.PK_SIGNING_KEY,
            settings.PK_SIGNING_CERT,
            ca_chain_files=chain or None,
            key_passphrase=password,
        )
    elif settings.PK_SIGNING_PKCS11_MODULE:
        # A key on a token or HSM (python-pkcs11 must be installed alongside pyHanko).
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11

        session = pkcs11.open_pkcs11_session(
            settings.PK_SIGNING_PKCS11_MODULE,
            token_criteria=TokenCriteria(label=settings.PK_SIGNING_PKCS11_TOKEN or None),
            user_pin=settings.PK_SIGNING_PASSWORD or None,
        )
        signer = pkcs11.PKCS11Signer(
            session,
            key_label=settings.PK_SIGNING_PKCS11_KEY,
            cert_label=settings.PK_SIGNING_PKCS11_KEY,
        )
    else:
        return None
    if signer is None or signer.signing_cert is None:
        raise ImproperlyConfigured("PK_SIGNING_*: the city's key or certificate did not load.")
    roots = _load_roots(list(settings.PK_TRUST_ROOTS))
    if not roots:
        raise ImproperlyConfigured(
            "PK_TRUST_ROOTS: name the CA certificate(s) the city's signatures are checked against."
        )
    subject = _common_name(signer.signing_cert)
    return City(signer=signer, subject=subject, trust_roots=roots, is_demo=False)


def _common_name(cert: asn1_x509.Certificate) -> str:
    name: str = cert.subject.native.get("common_name") or cert.subject.human_friendly
    return name


def _demo() -> City:
    folder = make_demo_ca()
    signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
        str(folder / "signer-key.pem"),
        str(folder / "signer.pem"),
        ca_chain_files=[str(folder / "ca.pem")],
    )
    assert signer is not None
    roots = _load_roots([str(folder / "ca.pem")])
    assert signer.signing_cert is not None
    subject = _common_name(signer.signing_cert)
    return City(signer=signer, subject=subject, trust_roots=roots, is_demo=True)


def city() -> City:
    """The city's signer from the settings, or the demo's."""
    found = _configured()
    if found is not None:
        return found
    if not (settings.DEBUG or settings.TESTING):
        logger.warning(
            "Performance agreements are signed with the demo CA: set PK_SIGNING_PKCS12 (or "
            "PK_SIGNING_KEY and PK_SIGNING_CERT, or PK_SIGNING_PKCS11_MODULE) and PK_TRUST_ROOTS."
        )
    return _demo()


def _outside_any_event_loop(step: Callable[[], T]) -> T:
    """pyHanko's sync calls run their own event loop (asyncio.run): in a thread that already
    runs one (an async server, a browser test driving Playwright) they run in another."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return step()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(step).result()


def sign(data: bytes, who: City, *, reason: str) -> bytes:
    """A PAdES (ETSI.CAdES.detached) signature over the whole of `data`."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=settings.CITY_NAME,
    )
    out = _outside_any_event_loop(lambda: signers.sign_pdf(writer, meta, signer=who.signer))
    return out.getvalue()


@dataclass(frozen=True)
class Check:
    """What validating a PDF's signature found; `problem` is one of PROBLEMS."""

    ok: bool
    signed_by: str = ""
    problem: str = ""


# unreadable: not a PDF; unsigned: no signature; damaged: a signature that cannot be read;
# altered: the signed bytes changed; untrusted: not from the city's trust root;
# changed: something was added after the signature.
PROBLEMS = ("unreadable", "unsigned", "damaged", "altered", "untrusted", "changed")


def validate(data: bytes, who: City | None = None) -> Check:
    """Check that `data` carries the city's signature, intact, over the whole file, from a
    certificate that chains to the city's trust root."""
    who = who or city()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError):
        return Check(ok=False, problem="unreadable")
    if not embedded:
        return Check(ok=False, problem="unsigned")
    context = ValidationContext(
        trust_roots=list(who.trust_roots), allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = _outside_any_event_loop(lambda: validate_pdf_signature(embedded[-1], context))
    except Exception:  # a damaged signature makes pyHanko raise many kinds
        return Check(ok=False, problem="damaged")
    signed_by = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    if not status.intact or not status.valid:
        return Check(ok=False, signed_by=signed_by, problem="altered")
    if not status.trusted:
        return Check(ok=False, signed_by=signed_by, problem="untrusted")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Check(ok=False, signed_by=signed_by, problem="changed")
    return Check(ok=True, signed_by=signed_by)
