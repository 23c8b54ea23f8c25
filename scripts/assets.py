#!/usr/bin/env python3
"""Install files the project takes from pinned npm registry tarballs, checked by sha512.

fonts: the Unicode fonts certificates embed. DejaVu Sans covers Latin (accents, Polish), Greek
       and Cyrillic; Noto Sans SC and KR (TrueType builds) cover Chinese, Japanese and Korean.
axe:   axe-core, injected by the browser tests to check accessibility.

Downloads are cached in ~/.cache/cme-assets; nothing is extracted before its checksum matches.

    python scripts/assets.py fonts [--dest var/fonts]
    python scripts/assets.py axe   [--dest var/axe]
"""

import argparse
import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
FONTS = [
    {
        "tarball": f"{REGISTRY}/dejavu-fonts-ttf/-/dejavu-fonts-ttf-2.37.3.tgz",
        "integrity": "sha512-f1hd7jJbeQa1VWcw+K2KrTXS50zTMaHpVC4XIKJpNcDeYR5ajMtj/iLlQDYNvLOKamUB3ARVVCf79lNwNVztSQ==",
        "files": {
            "package/ttf/DejaVuSans.ttf": "DejaVuSans.ttf",
            "package/ttf/DejaVuSans-Bold.ttf": "DejaVuSans-Bold.ttf",
            "package/ttf/DejaVuSans-Oblique.ttf": "DejaVuSans-Oblique.ttf",
            "package/ttf/DejaVuSerif.ttf": "DejaVuSerif.ttf",
            "package/ttf/DejaVuSerif-Bold.ttf": "DejaVuSerif-Bold.ttf",
        },
    },
    {
        "tarball": f"{REGISTRY}/@expo-google-fonts/noto-sans-kr/-/noto-sans-kr-0.4.3.tgz",
        "integrity": "sha512-EVS/uJPcf1TgJtjmQmrFr0oGdcl7ml09CSu0E/AyGzR0UfzdR2pBbzWWPsnuzZiGUl643ODYwYiXK5+B+fLjhQ==",
        "files": {"package/400Regular/NotoSansKR_400Regular.ttf": "NotoSansKR-Regular.ttf"},
    },
    {
        "tarball": f"{REGISTRY}/@expo-google-fonts/noto-sans-sc/-/noto-sans-sc-0.4.3.tgz",
        "integrity": "sha512-9rAwdFTFHbO/u6Cs0gj2jZbW74TGIiaFNQnXYH2s5wA1bzVkwbaviL4t8YUV642eGYjg86eH6DkAEQmfNHDncQ==",
        "files": {"package/400Regular/NotoSansSC_400Regular.ttf": "NotoSansSC-Regular.ttf"},
    },
]


AXE = [
    {
        "tarball": f"{REGISTRY}/axe-core/-/axe-core-4.14.1.tgz",
        "integrity": "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        "files": {"package/axe.min.js": "axe.min.js"},
    },
]
GROUPS = {"fonts": (FONTS, "FONT_DIR", "fonts"), "axe": (AXE, "AXE_DIR", "axe")}


def _verified(data: bytes, integrity: str) -> bool:
    algorithm, expected = integrity.split("-", 1)
    return base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == expected


def _fetch(package: dict, cache_dir: Path) -> bytes:
    cached = cache_dir / package["tarball"].rsplit("/", 1)[1]
    if cached.exists():
        data = cached.read_bytes()
        if _verified(data, package["integrity"]):
            return data
    print(f"  downloading {package['tarball']}", flush=True)
    with urllib.request.urlopen(package["tarball"], timeout=300) as response:
        data = response.read()
    if not _verified(data, package["integrity"]):
        raise SystemExit(f"Checksum mismatch for {package['tarball']}; refusing to install it.")
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


def install(packages: list[dict], dest: Path, cache_dir: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for package in packages:
        if all((dest / name).exists() for name in package["files"].values()):
            continue
        data = _fetch(package, cache_dir)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member, name in package["files"].items():
                source = archive.extractfile(member)
                if source is None:
                    raise SystemExit(f"{member} missing from {package['tarball']}")
                (dest / name).write_bytes(source.read())
    print(f"Ready in {dest}")


def main(argv: list[str]) -> None:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("group", choices=sorted(GROUPS))
    parser.add_argument("--dest", type=Path)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "cme-assets")
    args = parser.parse_args(argv)
    packages, variable, folder = GROUPS[args.group]
    dest = args.dest or Path(os.environ.get(variable, root / "var" / folder))
    install(packages, dest, args.cache)


if __name__ == "__main__":
    main(sys.argv[1:])
