"""The test PKI (root, signers' intermediate CA, OCSP, CRLs, time stamps) and the leaders'
certificates it issues; served over HTTP by :class:`service.PKIService`."""

from .architecture import INTERM_CERT, ROOT_CERT, TestPKI, ensure
from .leaders import IssuedCertificate, issue_signer

__all__ = ["INTERM_CERT", "ROOT_CERT", "IssuedCertificate", "TestPKI", "ensure", "issue_signer"]
