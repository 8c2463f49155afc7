"""Clauses as towns, districts and cities write them, each set alone in a three-article document: the unlawful
ones are found under their code, the lawful ones raise nothing. Written from the law and from 备案审查 reports,
not from the rule catalog: a check of how the engine generalises beyond the labelled sets."""

import pytest

from assistant.models import DocType, Dossier, Stage
from assistant.review.engine import review

UNLAWFUL = [
    ("上海市某区某镇人民政府", "第二条 对违反本规定的单位，镇人民政府可处以1000元以下罚款。", "C.PENALTY"),
    ("上海市某区某镇人民政府", "第二条 经营户须向镇市场管理办公室缴纳管理费每月200元。", "C.FEE"),
    ("上海市某区某镇人民政府", "第二条 本镇范围内的建筑垃圾统一由镇环卫所清运，其他单位不得承接。", "C.COMPETITION"),
    ("上海市某区某镇人民政府", "第二条 申请享受本办法补贴的企业，其注册地和纳税地须在本镇。", "C.COMPETITION"),
    ("上海市某区某镇人民政府", "第二条 对占道经营的流动摊贩，镇城管中队可暂扣其经营工具。", "C.COERCION"),
    ("上海市某区某镇人民政府", "第二条 出租房屋的，出租人须向村委会缴纳500元保证金。", "C.FEE"),
    ("上海市某区某街道办事处", "第二条 对不配合垃圾分类的居民，将其纳入失信名单并在社区公示。", "C.PENALTY"),
    ("上海市某区某街道办事处", "第二条 设置户外招牌的，须报街道办事处审批，未经审批不得设置。", "C.LICENSE"),
    # "依法采取下列惩戒措施：" lists the document's own measures; it refers nothing to the law (heldout15 s01)
    ("上海市绿化和市容管理局", "第二条 对于信用状况不良的法人，市、区绿化市容局可以依法采取下列惩戒措施：限制参加政府采购、政府投资项目招标等活动。",
     "C.PENALTY"),
    # a department setting its peers' inspection rounds and time limits, reported back to it
    ("某区卫生健康委员会", "第二条 区生态环境局、区城管执法局应当按照本方案要求，每季度开展一次联合执法检查，对发现的违法行为应当在5个"
     "工作日内立案查处，并将查处结果报区卫健委备案。", "C.ULTRA_VIRES"),
    # one person's benefit stopped for what a relative does not do
    ("某区某街道办事处", "第二条 子女未签订赡养承诺书或者每月看望签到次数不足的，暂停发放该老年人的服务补贴。", "C.OBLIGATION"),
    # a titled paper, whatever it is called, to be obtained before opening
    ("某区农业农村委员会", "第二条 宠物服务场所经区农业农村委现场评估合格并取得《宠物服务场所防疫条件评估意见书》后，方可对外营业。",
     "C.LICENSE"),
    # 所需 is no modal: the town's offices examine the public's application (农家乐)
    ("某镇人民政府", "第二条 镇农业农村服务中心会同镇规划建设等部门联合踏勘，符合条件的出具《农家乐开业审核意见书》。未取得审核意见书"
     "的，不得对外营业，镇不予出具办理其他手续所需的相关意见。", "C.LICENSE"),
    # review_heldout13: insurance of the authority's choosing as one of a sentence's duties
    ("某县农业农村局", "第二条 种植户均应当于每年3月底前与所在乡镇签订质量安全责任书，统一购买县农业农村局确定险种的农产品质量安全责任"
     "保险，未投保的，其农产品不得进入本县农贸市场销售。", "C.OBLIGATION"),
    # outside produce tested again however certified (公平竞争审查条例第九条)
    ("某县农业农村局", "第二条 外县产地的蔬菜进入本县批发市场的，无论是否附带产地合格证明，均须在县农产品检测中心重新检测合格后方可上市。",
     "C.COMPETITION"),
    # a department making another authority's penalty decisions subject to its approval
    ("某区应急管理局", "第二条 区公安分局交警支队对违规停放危化品车辆的查处，须事先报区应急管理局审核同意后方可作出处理决定。",
     "C.ULTRA_VIRES"),
    # land a household holds for its term taken back (农村土地承包法第二十七条): the taking, not a sanction
    ("某县人民政府", "第二条 对承包期内连续两年弃耕抛荒的承包地，由所在乡镇人民政府决定收回承包经营权，交由村集体经济组织统一发包。",
     "C.ULTRA_VIRES"),
    # review_heldout14: a certificate added to the documents a regulation lists (婚姻登记条例第五条)
    ("某县民政局", "第二条 办理结婚登记的内地居民，应当出具下列证件和证明材料：（一）本人的户口簿、身份证；（二）户籍所在地村（居）民"
     "委员会或者所在单位出具的婚姻状况证明。", "C.CERTIFICATE"),
    # peers given a time limit from the issuer's referral
    ("某县住房和城乡建设局", "第二条 县公安局、县市场监督管理局应当在接到县住房和城乡建设局移送线索之日起5个工作日内完成查处，并将查处结果"
     "报县住房和城乡建设局备案。", "C.ULTRA_VIRES"),
    # a pledge to give up other assistance as the condition of this one
    ("某区某街道办事处", "第二条 已获得临时救助的家庭，申请时须签署承诺书，承诺十二个月内不再向街道、区有关部门申请任何形式的社会救助。",
     "C.OBLIGATION"),
    # review_heldout15: utilities cut at the premises until compliance; a licence the law sets given added conditions
    ("某县人民政府办公室", "第二条 对逾期仍未淘汰燃煤锅炉的经营户，由所在乡镇人民政府通知供电、供水企业暂停其经营场所的供电、供水，直至"
     "完成淘汰为止。", "C.COERCION"),
    ("某县市场监督管理局", "第二条 申请开办药品零售企业的，除应当具备《中华人民共和国药品管理法》第五十二条规定的条件外，拟开办门店与已有"
     "药品零售企业之间的步行距离不得少于300米，不符合的，不予受理《药品经营许可证》申请。", "C.LICENSE"),
    # a status changed (直接调整为D类) is no text quoted: the quarterly report demanded stands
    ("某县市场监督管理局", "第二条 被列为C类、D类的企业应当每季度向所在地市场监管所书面报送上一季度的营业收入、纳税额和用工人数，未按时"
     "报送的，直接调整为D类。", "C.OBLIGATION"),
    # review_heldout16: an association to join compelled; employees sent to a town's night patrol
    ("某区交通运输局", "第二条 汽车租赁经营者应当为每辆租赁车辆投保保额不低于二百万元的第三者责任商业保险，并加入区汽车租赁行业协会。",
     "C.OBLIGATION"),
    ("某镇人民政府", "第二条 辖区规模以上企业应当每日安排不少于一名员工参加镇巡防大队夜间巡逻。", "C.OBLIGATION"),
    # review_heldout17: machines bought from the dealers an office picks, as a subsidy's condition
    ("某县农业农村局", "第二条 作业所用的拖拉机、收获机械应当购自县农机推广中心确定的定点经销商。", "C.COMPETITION"),
    # the same approval of a private institution's activity
    ("上海市某区人民政府", "第二条 民办培训机构组织学员外出研学的，须报区教育局备案同意后方可出行。", "C.LICENSE"),
    # the same shape as the own company's lease below, done by a private trader
    ("上海市某区某镇人民政府", "第二条 个体工商户对外出租经营用房的，租赁合同须经镇资产管理办公室审核同意后方可签订。", "C.LICENSE"),
    ("上海市某区某镇人民政府", "第二条 对存在重大事故隐患拒不整改的企业，镇安监所可以责令其停产停业。", "C.PENALTY"),
    ("某市人民政府", "第二条 失信被执行人的子女不得就读收费高昂的私立学校，不得报考公务员。", "C.OBLIGATION"),
    ("某区人民政府", "第二条 业主拒不缴纳物业服务费的，有关部门不予办理其子女入学和评优评先手续。", "C.OBLIGATION"),
    ("某县人民政府", "第二条 未按规定完成预防接种的儿童，幼儿园和学校不得接收其入园、入学。", "C.OBLIGATION"),
    ("某县人民政府", "第二条 村民申请宅基地的，应当提供村民委员会出具的无违法犯罪记录证明。", "C.CERTIFICATE"),
    ("某县人民政府", "第二条 加油站应当向镇政府提出申请，经审核同意后方可经营。", "C.LICENSE"),
    # the law's compensation for removal (土地管理法第四十八条) withheld from those evicted by force
    ("上海市某区人民政府", "第二条 对强制执行的宅基地使用人或者房屋所有人，不予发放搬家补助费。", "C.OBLIGATION"),
    # the town is the sentence's subject, the villagers the ones held back: still the town's own licence
    ("上海市某区某镇人民政府", "第二条 镇人民政府应当对村民临时搭建申请进行审核，村民经审核同意后方可搭建。", "C.LICENSE"),
    ("上海市某区农业农村委员会", "第二条 补贴对象在申报过程中出现1次不实信息的，对其提出警告；出现3次的，取消其年度全部补贴资金。",
     "C.PENALTY"),
    ("上海市某区建设管理委员会", "第二条 确定区域专营保险机构，并由区域专营保险机构统一承保区域内小型建设工程。", "C.COMPETITION"),
    ("某县发展和改革委员会", "第二条 民营企业参与本地风场资源开发运营的，应当与国有企业共同参与。", "C.COMPETITION"),
    ("某县教育局", "第二条 各中小学校必须从获得校服制作资格的5家企业中选择一家作为供应商。", "C.COMPETITION"),
    ("某县农业农村局", "第二条 流转价款不得低于县农业农村局每年公布的流转指导价格，流转期限不得少于五年。", "C.OBLIGATION"),
    ("某区某街道办事处", "第二条 改造所需维修资金由社区居委会统一提出使用申请，经街道审核同意后直接拨付施工单位，不再另行组织业主表决。",
     "C.ULTRA_VIRES"),
    ("某县水利局", "第二条 垂钓人应当向城区河道管理所办理垂钓登记，领取垂钓证后在划定的垂钓区域内垂钓。", "C.LICENSE"),
    ("某区某街道办事处", "第二条 物业服务企业收取的装修垃圾清运费，由街道按照每平方米建筑面积不超过4元的标准统一核定。", "C.ULTRA_VIRES"),
    # an exemption attributed to an article that holds no such figure (招标投标法实施条例第九条 lists no sums)
    ("某县人民政府", "第二条 依据《中华人民共和国招标投标法实施条例》第九条的规定，施工单项合同估算价在400万元以下的小型项目，可以不进行招标。",
     "C.BASIS_INVALID"),
    ("上海市某区建设管理委员会", "第二条 对施工造成管线破损的，一律顶格处罚，并视情况作停工整改处理。", "C.PENALTY"),
    ("上海市住房和城乡建设管理委员会", "第二条 餐饮场所安装燃气报警装置的，应选择列入《具有监控平台的燃气报警装置清单》的产品。",
     "C.COMPETITION"),
    # a violation list whose item carries its own fine (heldout8 s04)
    ("上海市某区建设管理委员会", "第二条 违反本办法规定，建设单位有下列行为之一的，由区建设行政管理部门按照下列规定进行处罚：\n"
                            "（一）擅自变更施工图设计文件中的绿色建筑设计内容的，责令限期改正，处二十万元以上五十万元以下的罚款。",
     "C.PENALTY"),
    ("上海市住房和城乡建设管理委员会", "第二条 对信用评价60分以下的企业，实行限制本市勘察设计行业市场准入等惩戒措施。", "C.PENALTY"),
    ("上海市某区人民政府办公室", "第二条 对履职不力的物业服务企业，会同区房管局落实警示约谈、责令退出等工作措施。", "C.PENALTY"),
    ("上海市某区城市管理行政执法局", "第二条 运输单位违规的，暂停该车辆所属运输单位在本区承接建筑垃圾运输业务三个月。", "C.PENALTY"),
    # heldout9: buying from local sellers as a subsidy's condition; the issuer's own rating made a procurement preference
    ("上海市生态环境局", "第二条 申请更新补贴的，登记材料需含本市销售机构开具的发票。", "C.COMPETITION"),
    ("上海市交通委员会", "第二条 对于质量信誉考核评定为优秀的停车场管理者，列为政府采购、政府投资项目招标等活动的优先选择对象。",
     "C.COMPETITION"),
    # review_heldout8: remedies punished, a limitation period of the document's own, utilities cut, data handed over
    ("某县人民政府", "第二条 对补偿决定申请行政复议或者提起行政诉讼的被征收人，不予发放搬迁费和临时安置费。", "C.OBLIGATION"),
    ("某县农业农村局", "第二条 当事人申请仲裁的，应当自纠纷发生之日起三十日内向县农村土地承包仲裁委员会提出，逾期不予受理。",
     "C.OBLIGATION"),
    ("某县人民政府", "第二条 房屋征收部门可以通知供水、供电、供气企业暂停对被征收房屋的供应，直至其完成搬迁。", "C.COERCION"),
    ("某区某街道办事处", "第二条 物业服务企业每季度将业主及同住人员的姓名、身份证号码、工作单位、联系电话、车辆信息和房屋抵押情况报送"
                     "社区居民委员会。", "C.PERSONAL_INFO"),
    ("某县卫生健康局", "第二条 各诊所应当将当日全部就诊患者的姓名、身份证号码、诊断结果和用药情况上传至县卫生健康局监管平台。",
     "C.PERSONAL_INFO"),
    ("某县河长制工作领导小组办公室", "第二条 建设单位应当将工程建设方案报送县河长制办公室审查同意；未经县河长制办公室审查同意的，"
                             "不得开工建设。", "C.ULTRA_VIRES"),
    # review_heldout9: a scoring table, a family's bank statements, a meeting's price, benefits held back for suing,
    # a charge named first, an insurance the law compels only in high-risk trades, one engaged provider for all
    ("某县退役军人事务局", "第二条 本地服务保障（20分）：在清河县注册登记且近三年在本县纳税的，得20分；在县外注册登记的，得10分。",
     "C.COMPETITION"),
    ("某县医疗保障局", "第二条 申请人应当提交本人及配偶、子女近12个月的银行账户交易流水和不动产登记信息。", "C.PERSONAL_INFO"),
    ("某区人民政府", "第二条 集体资产出租的底价，原则上不低于区农村集体资产管理工作领导小组会议确定的年度指导价。", "C.MINUTES"),
    ("某开发区管理委员会", "第二条 企业申请行政复议或者提起行政诉讼的，在复议、诉讼期间暂停兑现其在本方案项下的全部扶持资金。",
     "C.OBLIGATION"),
    ("某区应急管理局", "第二条 培训结束后组织统一考核，考核费每人180元，由企业统一缴纳。", "C.FEE"),
    ("某区应急管理局", "第二条 全区工贸行业生产经营单位应当于2026年8月31日前全部投保安全生产责任保险。", "C.OBLIGATION"),
    ("某区体育局", "第二条 复训统一由区体育局委托的北湖区水上安全救护培训中心承担。", "C.COMPETITION"),
    # heldout11: bidders barred from the street's later tenders
    ("上海市某区某街道办事处", "第二条 评定履约不合格的投标人不得参与实施部门后续组织的小型建设工程招标活动。", "C.PENALTY"),
    ("上海市某区财政局", "第二条 考核结果较差且拒不落实整改的财务监理机构将被纳入诚信黑名单。", "C.PENALTY"),
    # review_heldout10: deposits by other names, a fine called 违约金, a list made a condition to bid, a dividend cut
    # for a low score, a rating of companies published, a card to be served, a past year assessed under new rules
    ("某县人民政府", "第二条 入园企业应当按照每亩3万元的标准向园区管委会缴纳项目履约诚意金。", "C.FEE"),
    ("某镇人民政府", "第二条 农户私接雨污管道的，责令限期整改，并按照每处500元的标准收取违约金。", "C.PENALTY"),
    ("某县住房和城乡建设局", "第二条 建设单位选聘前期物业服务企业的，应当在招标文件中将投标人列入推荐名录作为资格条件。",
     "C.COMPETITION"),
    ("某镇人民政府", "第二条 积分不足60分的，按照积分比例核减其在村集体经济组织的收益分配份额。", "C.OBLIGATION"),
    ("某县住房和城乡建设局", "第二条 年度考核不合格的物业服务企业，由县住建局在全县物业行业内予以通报批评。", "C.PENALTY"),
    ("某区人民政府", "第二条 瓶装燃气经营企业应当凭《瓶装燃气用户登记卡》供气，对未持卡的用户不得供气。", "C.LICENSE"),
    ("某县住房和城乡建设局", "第二条 2025年度物业服务质量考核按照本办法执行，考核不合格的企业限期整改。", "C.RETROACTIVE"),
]
LAWFUL = [
    ("上海市某区某街道办事处", "第二条 街道办事处协助区城管执法局做好违法建筑的排查工作，发现违法建筑的，及时报告。"),
    ("某县人民政府", "第二条 对符合条件的企业，按照其实际设备投资额的5%给予补贴，最高不超过50万元。"),
    ("某市人民政府", "第二条 出租人应当与承租人签订书面租赁合同，并按规定办理租赁登记备案。"),
    ("某县市场监督管理局", "第二条 经营者应当明码标价，不得哄抬价格。"),
    ("某县人民政府", "第二条 对拒不整改的，由有关部门依法处理。"),
    ("某县人民政府", "第二条 项目建设单位应当按照国家有关规定办理施工许可手续。"),
    ("上海市某区某镇人民政府", "第二条 各村居应当建立垃圾分类志愿者队伍，开展桶边督导，对不按规定投放的行为进行劝导。"),
    ("上海市某区人民政府", "第二条 经营性停车场的收费标准由经营者依法自主确定，并在显著位置公示。"),
    ("上海市某区某镇人民政府", "第二条 村民建房应当依法办理乡村建设规划许可证，未取得许可证的，不得开工建设。"),
    ("上海市某区人民政府", "第二条 农村村民未经批准占用土地建住宅的，由区农业农村委责令退还非法占用的土地，限期拆除在非法占用的土地上新建的"
                          "建筑物和其他设施。"),
    ("上海市某区人民政府", "第二条 被征收人在签约期限内签约并搬迁的，给予提前搬迁奖励；逾期签约的，不予奖励。"),
    # government bodies and the government's own companies among themselves; what another document provides
    ("上海市某区人民政府", "第二条 各街镇、相关区管企业应自行选址建筑垃圾中转场所，选址需经区规划资源部门审核同意。"),
    ("上海市某区建设管理委员会", "第二条 《若干意见》对物业服务企业的委托聘用、合同签订等从业行为作了规定。"),
    ("上海市某区建设管理委员会", "第二条 各镇政府、街道办事处要严格准入审核，区建管委要组织抽查，对把关不严的情况进行通报。"),
    ("上海市某区房屋管理局", "第二条 擅自改建排水设施的，由区房管局依照《上海市住宅物业管理规定》相关条款予以处罚。"),
    ("上海市某区房屋管理局", "第二条 实施主体按照项目需求筹集资金和房源。"),
    ("某县某镇人民政府", "第二条 村保洁员由各村按照村民会议或者村民代表会议决定的方式选聘，镇财政给予保洁经费补助。"),
    ("某区某街道办事处", "第二条 街道城建办会同社区定期开展巡查，发现违法行为的，及时移交有关行政管理部门处理。"),
    ("某区人民政府", "第二条 对在本区投资的工业企业新购置生产设备的，按照设备投资额的5%给予一次性补助。"),
    ("上海市某区建设管理委员会", "第二条 燃气企业应当迅速发布停气通知，告知用户停气时间、预计通气时间等信息。"),
    ("上海市某区建设管理委员会", "第二条 地下管线保护范围内的施工作业实行动土作业审批制度，由施工单位提出申请，监理单位进行审核，建设单位进行审批。"),
    ("上海市房屋管理局", "第二条 评审专家有违规行为或者不称职行为的，市房屋管理局应当取消其参加物业项目评标活动资格。"),
    ("上海市某区人民政府", "第二条 离婚户对宅基地及住房权益未处置完毕或者自愿放弃宅基地及住房权益的，不得申请宅基地建房。"),
    ("上海市某区应急管理局", "第二条 本办法由区应急局负责解释，有效期自2025年8月25日起至2030年8月24日止。"),
    ("上海市某区人民政府办公室", "第二条 区司法局配合集体土地征收行政强制程序，保障强制执行。"),
    ("上海市规划和自然资源局", "第二条 市确权登记局负责细化不动产登记失信信息管理制度，协同相关部门建立不动产登记失信联合惩戒机制。"),
    ("上海市民防办公室", "第二条 《资质证书》上注册地址在外省市的生产企业可以在本市生产，无需重复申请资质证书。"),
    ("上海市绿化和市容管理局", "第二条 本通知印发前已备案的消纳场所尚未配备电子信息装置的，应于本通知施行十个工作日内完成配备。"),
    # heldout9: a driver locking his car, a reward reckoned from a fine, a machine's numbers, a regional honour, how a
    # list is kept, a chain of measures the law sets, a statutory fee and its receipts, general duties, own reviewers
    ("上海市交通委员会", "第二条 机动车驾驶员停放好车辆离开时，应当关闭车辆电源，关锁车辆门窗。"),
    ("上海市粮食和物资储备局", "第二条 根据行政处罚罚款金额按照一定比例给予举报人一次性资金奖励。"),
    ("上海市生态环境局", "第二条 上传的照片可清晰辨认出厂编号、环保信息公开编号等信息。"),
    ("上海市人民政府办公厅", "第二条 申报上海市质量金奖的组织，应在本市行政区域内登记注册，生产经营3年以上。"),
    ("上海市道路运输管理局", "第二条 信息采集部门在归集信息前，应当告知当事人拟纳入严重失信主体名单的事由、依据和当事人依法享有的权利。"),
    ("上海市道路运输管理局", "第二条 经营主体列入严重失信主体名单对外公布的期限为两年，期限届满应当及时移出名单。"),
    ("上海市某区民政局", "第二条 对违规用气的养老服务机构，要依法责令限期改正，逾期不改正的，责令停止使用，可以并处罚款。"),
    ("上海市交通委员会", "第二条 道路停车场管理者应当按照规定征收和解缴道路停车费，并使用财政电子票据。"),
    ("上海市某区人民政府办公室", "第二条 区政府加强对消防严重违法失信行为的联合惩戒，实施信用约束。"),
    ("上海市人民政府办公厅", "第二条 评审人员不遵守评审纪律的，视情节轻重，予以批评、警告，或者取消评审资格。"),
    ("上海市某区发展和改革委员会", "第二条 拨投基金管理费收取标准和收取方式在基金设立方案中予以明确。"),
    # review_heldout8: encouragement, the town forwarding to the county that issues, a remedy left to the law
    ("某县教育局", "第二条 鼓励培训机构通过银行托管等方式对预收培训费实施资金监管。"),
    ("某县人民政府", "第二条 依法需要办理乡村建设规划许可的，由镇人民政府受理后报县自然资源主管部门核发乡村建设规划许可证。"),
    ("某县人民政府", "第二条 当事人对处理决定不服的，可以依法申请行政复议或者提起行政诉讼。"),
    ("某区应急管理局", "第二条 矿山、危险化学品、烟花爆竹等高危行业的生产经营单位应当投保安全生产责任保险。"),
    # heldout11: an account's status, the licensing authority's own procedure, a statutory fee, a condition met, a
    # report to a district, conduct listed to be reported, a scope, a sanction among governments, builders' own
    # sign-offs, a street's own office
    ("上海市住房公积金管理委员会", "第二条 职工住房公积金账户封存期间，住房公积金照常计息。"),
    ("上海市公安局", "第二条 对符合申领条件且材料齐全的，应当当场受理并出具《受理行政许可申请通知书》。"),
    ("上海市水务局", "第二条 水行政主管部门依职权负责核定水土保持补偿费征收额，并向缴纳义务人送达缴纳通知单。"),
    ("上海市规划和自然资源局", "第二条 告知承诺制申请人未被记入失信被执行人名单和不动产登记失信信息主体名单。"),
    ("上海市规划和自然资源局", "第二条 对未按期完成土地复垦的，向相关区进行通报，由区规划资源部门依法依规查处。"),
    ("上海市某区应急管理局", "第二条 举报奖励重点包括以下情形和行为：\n（一）关闭取缔后又擅自从事生产经营、建设活动的；\n"
                           "（二）停产整顿、整合技改未经验收擅自组织生产的。"),
    ("上海市交通委员会", "第二条 本市水路运输市场从业单位，是指在本市登记注册的水路运输经营人和港口业务经营人。"),
    ("上海市人民政府办公厅", "第二条 区域内临时用地超期未复垦的规模达到20%以上的，所在区域暂停审批新的临时用地并予以整改。"),
    ("上海市住房和城乡建设管理委员会", "第二条 专项施工方案应当由总承包单位技术负责人审核签字，并由总监理工程师审查签字后方可实施。"),
    ("上海市某区某街道办事处", "第二条 街道城市建设管理事务中心负责安全质量监管工作。"),
    # review_heldout10: a purpose limit on faces, information kept in, a construction contract with the city's company
    ("某区人力资源和社会保障局", "第二条 采集的人脸信息仅用于门禁通行，承租人退租后应当及时删除。"),
    ("某区某街道办事处", "第二条 网格员采集的信息由街道统一管理，未经批准不得对外提供。"),
    ("某区某街道办事处", "第二条 街道利用闲置地块建设临时停车场，委托区城投公司建设，运营单位通过公开招标方式确定。"),
    ("某区人民政府", "第二条 承租人违约的，应当按照合同约定支付违约金。"),
    # heldout12: a meeting set up, a conference's spirit carried out, an outage described, a fee paid as the rules
    # say, checks free of charge, towns reporting and assisting
    ("上海市某区规划和自然资源局", "第二条 按程序建立区土地储备成本认定管理工作联席会议制度，研究认定土地储备成本。"),
    ("上海市某区人民政府", "第二条 为确保道路下立交防汛安全，贯彻落实市防汛工作会议精神，决定开展下立交设施防汛整治。"),
    ("上海市某区人民政府", "第二条 供电的安全性对下立交的防汛安全至关重要，一旦断电造成排水不及时将对交通带来重大影响。"),
    ("上海市某区人民政府办公室", "第二条 因特殊情况需要挖掘农村公路的，应当按照规定向区交通行政管理部门交纳掘路修复费。"),
    ("上海市市场监督管理局", "第二条 监督抽样检定不向企业收取费用。"),
    ("上海市某区农业农村委员会", "第二条 各镇政府监督经营者按备案用途实施建设，发现重大问题后应及时报区城管执法局，并积极配合查处。"),
    # the one doing the leading act is the government's own company or its own offices, though the obliged word is a
    # thing (租赁合同须经……) or the subject stands before the act
    ("上海市某区某镇人民政府", "第二条 镇属企业对外出租经营性房产的，租赁合同须经镇资产管理办公室审核同意后方可签订。"),
    ("上海市某区某镇人民政府", "第二条 镇机关各部门采购单项金额5万元以上的货物，应当报镇党委会议审定后方可采购。"),
    # the county's own authority acting under the same article
    ("某县水务局", "第二条 逾期不补办手续的，由县水务局依照《中华人民共和国水土保持法》第五十三条的规定处五万元以上五十万元以下的罚款。"),
    # the issuer's own unit, named by its short form (区卫健委监督所 of 某区卫生健康委员会)
    ("某区卫生健康委员会", "第二条 区卫健委监督所应当在5个工作日内立案查处，并将结果报区卫健委。"),
    # resuming what a sanction suspended once corrected (the suspension itself is a penalty, reported apart)
    ("某县商务局", "第二条 被责令停业整顿的加油站，整改验收合格后方可恢复经营。"),
    # a quantity the licence sets; customers' identities checked and logged by the operator; accounts kept as the rules say
    ("某镇人民政府", "第二条 从事烟花爆竹零售经营的，应当依法取得烟花爆竹经营（零售）许可证，按照许可证载明的经营场所和限制存放数量"
     "从事经营活动。"),
    ("某县文化广电和旅游局", "第二条 上网场所应当在入口处悬挂未成年人禁入标志，对上网消费者的身份证件进行核对、登记，不得接纳未成年人进入。"),
    ("某区某街道办事处", "第二条 专项维修资金的交存、划转和账户管理，由区住房保障和房屋管理局依照国家和本市有关规定办理。"),
    # an office's listed business; a free check at designated hospitals, taken up voluntarily; help-seekers guided to
    # the platforms the ministry designates (慈善法第二十七条); what follows a false 告知承诺
    ("某县民政局", "第二条 县婚姻登记处具体办理内地居民结婚登记、离婚登记、撤销婚姻登记和补领婚姻登记证等事项。"),
    ("某县民政局", "第二条 鼓励当事人自愿进行婚前医学检查，县卫生健康局指定的医疗机构为当事人提供免费婚前医学检查。"),
    ("某县民政局", "第二条 县民政局应当引导求助人通过具有公开募捐资格的慈善组织或者民政部门指定的网络平台进行求助。"),
    ("上海市规划和自然资源局", "第二条 发现承诺事项不实的，申请人不得再以告知承诺制方式申请办理不动产登记。"),
    # the town's own grid staff sent on patrol
    ("某镇人民政府", "第二条 镇综治办应当组织网格员参加夜间巡逻。"),
    # a document's scope by registration
    ("某县市场监督管理局", "第二条 本办法适用于在本县登记注册的企业、农民专业合作社和个体工商户的信用风险分类管理。"),
    # a public institution the authority manages directly (行政许可法第三条第二款)
    ("上海市某区人民政府", "第二条 公办学校组织学生外出研学的，须报区教育局备案同意后方可出行。"),
    # a violation corrected before applying again for the approval the law sets
    ("上海市某区规划和自然资源局", "第二条 未批先用的，依法予以处罚，待整改验收合格后方可申请办理临时用地手续。"),
]


def _found(issuer: str, title: str, text: str, catalog, rules) -> list[tuple[str, str]]:
    dossier = Dossier(title=title, issuer=issuer, draft_name="draft.md", draft_text=text,
                      doc_type=DocType.NORMATIVE, stage=Stage.FILING)
    report = review(dossier, catalog=catalog, rules=rules)
    return [(f.code, f.location) for f in report.findings if f.code.startswith("C.")]


def _review(issuer: str, article: str, catalog, rules):
    text = (f"某管理办法\n\n第一条 为加强管理，根据有关法律、法规，结合本地实际，制定本办法。\n\n{article}\n\n"
            "第三条 本办法自2026年1月1日起施行，有效期5年。\n")
    return _found(issuer, "某管理办法", text, catalog, rules)


@pytest.mark.parametrize("issuer, article, code", UNLAWFUL)
def test_an_unlawful_clause_is_found_where_it_is(issuer, article, code, catalog, rules):
    assert (code, "第二条") in _review(issuer, article, catalog, rules)


@pytest.mark.parametrize("issuer, article", LAWFUL)
def test_a_lawful_clause_raises_nothing(issuer, article, catalog, rules):
    assert _review(issuer, article, catalog, rules) == []


def _plan(issuer: str, paragraphs: list[str], catalog, rules):
    text = "\n\n".join(["某实施方案", *paragraphs, "本方案自2026年1月1日起施行，有效期5年。"]) + "\n"
    return _found(issuer, "某实施方案", text, catalog, rules)


def test_an_item_paragraph_of_a_plan_is_read_with_the_lead_in_above_it(catalog, rules):
    # heldout8 s01: the duty stands in the lead-in, the insurance in the item two paragraphs below
    found = _plan("上海市某区人民政府", ["三、火灾高危单位职责", "火灾高危单位除履行共同职责外，还应当履行下列消防安全职责：",
                                     "（一）定期召开消防安全工作例会。", "（二）参加火灾公众责任保险。"], catalog, rules)
    assert found == [("C.OBLIGATION", "第5段")]


def test_a_lead_ins_own_sanction_is_found_at_the_lead_in_not_at_each_item(catalog, rules):
    found = _plan("上海市某区某街道办事处", ["对有下列情形之一的物业服务企业，予以通报批评：",
                                       "（一）未按规定开展垃圾分类的；", "（二）未按规定清运装修垃圾的。"], catalog, rules)
    assert found == [("C.PENALTY", "第2段")]


def test_a_document_on_the_issuers_own_funds_sets_no_fee_coercion_or_licence_by_listing_its_costs(catalog, rules):
    # heldout13: a district's rules on its demolition fund and its land-reserve costs
    text = ("某区拆除违法建筑项目资金管理办法\n\n第一条 为规范拆除违法建筑项目资金管理，制定本办法。\n\n"
            "第二条 拆除违法建筑专项资金管理主要涉及以下部门：\n（一）区城管执法局：负责实施拆除违法建筑项目；\n\n"
            "第三条 拆除工程费是指委托拆除违法建筑施工单位实施拆除期间发生的费用，包括代建、监理、审计审价等费用。\n\n"
            "第四条 项目红线范围内的前期开发配套工程费列入土地储备成本。\n\n"
            "第五条 本办法自2026年1月1日起施行，有效期5年。\n")
    assert _found("上海市某区城市管理行政执法局", "某区拆除违法建筑项目资金管理办法", text, catalog, rules) == []


def test_a_licence_that_asks_for_a_local_presence_is_two_defects(catalog, rules):
    """PRIMER §3: one clause, two distinct defects — a licence set up, and a local office and local staff it asks of
    those who apply (公平竞争审查条例第九条) — both reported at the clause."""
    clause = ("第二条 维保单位应当持本区常驻维保人员名单及社会保险缴纳证明、在本区设立的固定维保站点租赁合同，向区市场监管局"
              "办理入区登记，取得登记回执后方可承接本区业务。")
    assert sorted(_review("上海市某区市场监督管理局", clause, catalog, rules)) == [("C.COMPETITION", "第二条"),
                                                                           ("C.LICENSE", "第二条")]


def test_a_sanction_and_a_seizure_in_one_sentence_are_two_defects(catalog, rules):
    """PRIMER §3: 通报批评 and 暂扣 imposed side by side are distinct defects, both reported at the clause."""
    clause = ("第二条 对超标准操办且拒不改正的，由镇人民政府予以通报批评，并由镇综合执法队暂扣其搭建的棚架和音响设备，待办事结束后返还。")
    found = _review("某镇人民政府", clause, catalog, rules)
    assert ("C.PENALTY", "第二条") in found and ("C.COERCION", "第二条") in found
