#!/usr/bin/env bash
# System packages the optional features need: Tesseract with the Swedish model (OCR of
# scanned PDFs) and Chromium (the report's browser test). Safe to run twice.
set -euo pipefail
need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/swe.traineddata ] || [ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/swe.traineddata 2>/dev/null)" ] || need+=(tesseract-ocr-swe)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
