"""Hand-curated domain vocabulary: Party/State bodies, document types, abbreviations.

Abbreviations listed here must never be "restored" into Vietnamese syllables.

Why hand-written: these are the words a scanned directive is most likely to contain in its
header and signature block, where OCR damage is worst and the corpus alone under-represents
Party bodies (the corpus is mostly State documents). Spelled in canonical old-style tone
placement (Ủy, Thành ủy); the builder writes them to `dictionaries/domain_terms.txt` and
merges the abbreviations into `dictionaries/abbreviations.txt`.
"""

from __future__ import annotations

DOMAIN_TERMS: tuple[str, ...] = (
    # Party bodies
    "Đảng Cộng sản Việt Nam", "Ban Chấp hành Trung ương", "Ban Chấp hành", "Bộ Chính trị",
    "Ban Bí thư", "Tổng Bí thư", "Bí thư", "Phó Bí thư", "Ủy viên", "Ủy viên Bộ Chính trị",
    "Ủy viên Trung ương Đảng", "Thường trực", "Ban Thường vụ", "Ban Thường vụ Thành ủy",
    "Ban Thường vụ Tỉnh ủy", "Ban Thường vụ Huyện ủy", "Thành ủy", "Tỉnh ủy", "Huyện ủy",
    "Quận ủy", "Thị ủy", "Đảng ủy", "Đảng ủy Khối", "Đảng bộ", "Chi bộ", "Chi ủy",
    "Đảng đoàn", "Ban cán sự đảng", "Ban Tuyên giáo", "Ban Tuyên giáo Trung ương",
    "Ban Tuyên giáo và Dân vận", "Ban Tuyên giáo và Dân vận Trung ương",
    "Ban Tổ chức", "Ban Tổ chức Trung ương", "Ban Dân vận", "Ban Dân vận Trung ương",
    "Ban Kinh tế Trung ương", "Ban Nội chính", "Ban Nội chính Trung ương",
    "Ban Đối ngoại Trung ương", "Ban Chính sách, chiến lược Trung ương",
    "Ủy ban Kiểm tra", "Ủy ban Kiểm tra Trung ương", "Văn phòng Trung ương Đảng",
    "Văn phòng Thành ủy", "Văn phòng Tỉnh ủy", "Trung ương", "Đại hội Đảng",
    "Đại hội đại biểu toàn quốc", "Hội nghị Trung ương", "Ban Chỉ đạo",
    "Trung tâm Chính trị", "Học viện Chính trị quốc gia Hồ Chí Minh",
    # State bodies
    "Quốc hội", "Ủy ban Thường vụ Quốc hội", "Chủ tịch nước", "Phó Chủ tịch nước",
    "Chính phủ", "Thủ tướng Chính phủ", "Phó Thủ tướng", "Văn phòng Chính phủ",
    "Văn phòng Quốc hội", "Văn phòng Chủ tịch nước", "Hội đồng nhân dân", "Ủy ban nhân dân",
    "Thường trực Hội đồng nhân dân", "Chủ tịch Ủy ban nhân dân", "Phó Chủ tịch Ủy ban nhân dân",
    "Hội đồng Dân tộc", "Tòa án nhân dân", "Tòa án nhân dân tối cao",
    "Viện kiểm sát nhân dân", "Viện kiểm sát nhân dân tối cao", "Kiểm toán nhà nước",
    "Bộ Quốc phòng", "Bộ Công an", "Bộ Ngoại giao", "Bộ Nội vụ", "Bộ Tư pháp",
    "Bộ Tài chính", "Bộ Công Thương", "Bộ Nông nghiệp và Môi trường",
    "Bộ Nông nghiệp và Phát triển nông thôn", "Bộ Tài nguyên và Môi trường",
    "Bộ Xây dựng", "Bộ Giao thông vận tải", "Bộ Khoa học và Công nghệ",
    "Bộ Thông tin và Truyền thông", "Bộ Giáo dục và Đào tạo", "Bộ Y tế",
    "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Lao động - Thương binh và Xã hội",
    "Bộ Kế hoạch và Đầu tư", "Bộ Dân tộc và Tôn giáo", "Ủy ban Dân tộc",
    "Ngân hàng Nhà nước Việt Nam", "Thanh tra Chính phủ", "Sở Nội vụ", "Sở Tài chính",
    "Sở Tư pháp", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Xây dựng", "Sở Công Thương",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ",
    "Sở Nông nghiệp và Môi trường", "Sở Văn hóa và Thể thao", "Công an tỉnh",
    "Công an thành phố", "Bộ Chỉ huy Quân sự", "Bộ Tư lệnh", "Cục Thuế", "Cục Hải quan",
    "Bảo hiểm xã hội Việt Nam", "Kho bạc Nhà nước", "Đài Phát thanh và Truyền hình",
    "Báo Nhân Dân", "Thông tấn xã Việt Nam", "Đài Truyền hình Việt Nam",
    # Front and mass organisations
    "Mặt trận Tổ quốc Việt Nam", "Ủy ban Mặt trận Tổ quốc Việt Nam",
    "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", "Tổng Liên đoàn Lao động Việt Nam",
    "Liên đoàn Lao động", "Công đoàn", "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "Hội Liên hiệp Phụ nữ Việt Nam", "Hội Nông dân Việt Nam", "Hội Cựu chiến binh Việt Nam",
    "các tổ chức chính trị - xã hội",
    # Administrative units
    "thành phố", "tỉnh", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường", "đặc khu",
    "thành phố trực thuộc Trung ương", "địa phương", "cơ sở",
    # Document types
    "Hướng dẫn", "Chỉ thị", "Nghị quyết", "Kết luận", "Quyết định", "Quy định", "Quy chế",
    "Kế hoạch", "Thông báo", "Báo cáo", "Công văn", "Tờ trình", "Đề án", "Chương trình",
    "Công điện", "Thông tư", "Thông tư liên tịch", "Nghị định", "Luật", "Bộ luật",
    "Pháp lệnh", "Lệnh", "Hiến pháp", "Điều lệ", "Biên bản", "Giấy mời", "Phụ lục",
    "Văn bản hợp nhất", "Nơi nhận", "Lưu", "Độc lập - Tự do - Hạnh phúc",
    "Cộng hòa xã hội chủ nghĩa Việt Nam", "chủ nghĩa Mác - Lênin", "tư tưởng Hồ Chí Minh",
)

ABBREVIATIONS: tuple[str, ...] = (
    # bodies
    "TW", "TU", "HU", "QU", "ĐU", "ĐUK", "BCH", "BCHTW", "BCT", "BBT", "BTV", "BTVTU",
    "BTG", "BTGTW", "BTGTU", "BTGDVTW", "BTC", "BTCTW", "BDV", "BDVTW", "UBKT", "UBKTTW",
    "VPTW", "VPTU", "VPDU", "VPĐU", "VPCP", "VPQH", "QH", "UBTVQH", "CP", "TTg", "CTN",
    "HĐND", "HDND", "UBND", "MTTQ", "MTTQVN", "UBMTTQ", "UBMTTQVN", "TAND", "VKSND",
    "TANDTC", "VKSNDTC", "KTNN", "NHNN", "BHXH", "BHYT", "BHTN", "LĐLĐ", "TLĐLĐVN",
    "ĐTN", "TNCS", "HLHPN", "HND", "HCCB", "CCB", "ĐCSVN", "CHXHCN", "CHXHCNVN", "VN",
    "BCĐ", "BQP", "BCA", "BNV", "BTP", "BTC", "BCT", "BYT", "BGDĐT", "BXD", "BNNMT",
    "BNNPTNT", "BTNMT", "BKHCN", "BTTTT", "BVHTTDL", "BLĐTBXH", "BKHĐT", "BGTVT",
    "GD&ĐT", "VH-TT&DL", "LĐ-TB&XH", "KH&CN", "TN&MT", "NN&PTNT", "TT&TT", "KH&ĐT",
    # document types (in document numbers: 70-HD/BTGTU, 10-NQ/TU, 25/2023/QH15)
    "HD", "HĐ", "NQ", "KL", "QĐ", "QD", "CT", "KH", "TB", "BC", "CV", "TTr", "ĐA", "CTr",
    "QC", "QyĐ", "TT", "TTLT", "NĐ", "ND", "PL", "UBTVQH", "CĐ", "BB", "GM", "PL",
    "QH15", "QH14", "QH13", "QH16", "NQ-CP", "NĐ-CP", "QĐ-TTg", "CT-TTg", "NQ-HĐND",
    "QĐ-UBND", "KH-UBND", "CV-UBND", "TB-VPCP", "HD-BTGTW",
    # misc administrative
    "TTHC", "CNTT", "KT-XH", "XH", "KT", "ĐVHC", "CBCCVC", "CBCC", "CCVC", "DN", "DNNN",
    "HTX", "ODA", "FDI", "GDP", "GRDP", "NSNN", "TNCN", "TNDN", "GTGT", "TTĐB", "MST",
    "CCCD", "CMND", "TP", "TX", "TT", "UB", "HĐQT", "BQL", "KCN", "KKT", "ATTP", "PCCC",
    "ANTT", "ATGT", "QP-AN", "QPAN", "ANQP", "VPĐK", "CNH", "HĐH", "CNH-HĐH",
)
