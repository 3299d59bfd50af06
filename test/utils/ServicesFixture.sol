// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Accounting} from "../../contracts/Accounting.sol";
import {ClassToken} from "../../contracts/ClassToken.sol";
import {ServiceRegistry} from "../../contracts/ServiceRegistry.sol";
import {ServiceAllocations} from "../../contracts/services/ServiceAllocations.sol";
import {ServiceSlashing} from "../../contracts/services/ServiceSlashing.sol";
import {CascadePool} from "../../contracts/CascadePool.sol";
import {WithdrawalRequestPredeploy} from "../../contracts/devnet/WithdrawalRequestPredeploy.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IReportOracle} from "../../contracts/interfaces/IReportOracle.sol";
import {IServiceRegistry} from "../../contracts/interfaces/IServiceRegistry.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {RouterFixture} from "./RouterFixture.sol";

/// @notice The whole system of deploy/system.ts in Solidity: the router stack of RouterFixture
/// plus the pool's classes A/B/C (`book` and `queue` name the pool's two roles), accounting (its oracle is a plain
/// address the tests prank) and the ServiceRegistry, wired and role-granted in the same order.
/// Module 0 is curated (no bond), module 1 bonded.
abstract contract ServicesFixture is RouterFixture {
    uint256 internal constant FRAME = 12 * 32;
    uint256 internal constant K = 3;
    uint256 internal constant COVER_FACTOR_BPS = 10_000;
    uint256 internal constant TREASURY_FEE_BPS = 500;
    uint256 internal constant SERVICE_FEE_BPS = 1_000;
    uint256 internal constant SLASH_PENALTY_BPS = 1_000;
    uint256 internal constant EXIT_DEADLINE = 4 * FRAME;
    /// @dev Default service windows: sum 700 s ≤ the B/C redemption delay (2 frames = 768 s).
    uint32 internal constant SLASHING_WINDOW = 500;
    uint32 internal constant VETO_WINDOW = 200;

    address internal oracle = makeAddr("oracle");
    address internal treasury = makeAddr("treasury");
    address internal serviceManager = makeAddr("serviceManager");
    address internal allocator = makeAddr("allocator");
    address internal vetoer = makeAddr("vetoer");
    address internal slasher = makeAddr("slasher");
    address internal recipient = makeAddr("recipient");
    address internal depositor = makeAddr("depositor");

    CascadePool internal book;
    CascadePool internal queue;
    Accounting internal accounting;
    ServiceRegistry internal registry;
    WithdrawalRequestPredeploy internal predeploy;
    ClassToken[] internal tokens;

    uint256 internal refSlot;

    // ---------------------------------------------------------------- deployment

    function _deployServices() internal {
        // The plain oracle address answers the frame config Accounting measures the APR span by.
        vm.mockCall(
            oracle,
            abi.encodeWithSelector(IReportOracle.frameConfig.selector),
            abi.encode(uint256(0), uint256(12), uint256(32))
        );
        _deployDefault();
        predeploy = WithdrawalRequestPredeploy(payable(wv.WITHDRAWAL_REQUESTS()));
        // The pool (RouterFixture) is both the class book and the redemption queue.
        book = pool;
        queue = pool;
        accounting = Accounting(
            address(
                new ERC1967Proxy(
                    address(
                        new Accounting(
                            address(router),
                            address(exits),
                            address(pool),
                            address(wv),
                            address(elv)
                        )
                    ),
                    abi.encodeCall(
                        Accounting.initialize,
                        (
                            admin,
                            oracle,
                            IAccounting.Limits({
                                maxAprBps: 1000,
                                maxDropBps: 500,
                                maxExitRequests: 64,
                                maxLosses: 64,
                                maxFinalizePerReport: 500,
                                maxRewardAprBps: 0 // no reward cap here: test/security/RewardCap.t.sol sets one
                            }),
                            IAccounting.Params({
                                treasury: treasury,
                                treasuryFeeBps: uint16(TREASURY_FEE_BPS),
                                serviceFeeBps: uint16(SERVICE_FEE_BPS),
                                lambdaBps: 2000,
                                slashPenaltyBps: uint16(SLASH_PENALTY_BPS),
                                exitDeadline: uint32(EXIT_DEADLINE)
                            })
                        )
                    )
                )
            )
        );
        registry = ServiceRegistry(
            address(
                new ERC1967Proxy(
                    address(
                        new ServiceRegistry(address(new ServiceAllocations()), address(new ServiceSlashing()))
                    ),
                    abi.encodeCall(
                        ServiceRegistry.initialize,
                        (admin, address(router), address(book), address(accounting), COVER_FACTOR_BPS)
                    )
                )
            )
        );
        _rebuildModules(address(registry));
        vm.startPrank(admin);
        pool.setAccounting(address(accounting));
        pool.grantRole(pool.CLASS_MANAGER_ROLE(), admin);
        router.grantRole(router.ACCOUNTING_ROLE(), address(accounting));
        exits.grantRole(exits.ACCOUNTING_ROLE(), address(accounting));
        router.grantRole(router.SERVICES_ROLE(), address(registry));
        accounting.setServiceRegistry(address(registry));
        book.setServiceRegistry(address(registry));
        registry.grantRole(registry.SERVICE_MANAGER_ROLE(), serviceManager);
        registry.grantRole(registry.ALLOCATOR_ROLE(), allocator);
        registry.grantRole(registry.VETO_ROLE(), vetoer);
        _addClass("Cascade Senior A", "cA", 1000, 2500, 2500, FRAME);
        _addClass("Cascade Mezzanine B", "cB", 500, 1500, 0, 2 * FRAME);
        _addClass("Cascade Junior C", "cC", 0, 0, 0, 2 * FRAME);
        vm.stopPrank();
    }

    function _addClass(
        string memory name,
        string memory symbol,
        uint16 base,
        uint16 maxP,
        uint16 minCover,
        uint256 delay
    ) private {
        ClassToken t = new ClassToken(name, symbol, address(pool), tokens.length);
        book.addClass(address(t), _classParams(base, maxP, minCover, delay));
        tokens.push(t);
    }

    function _classParams(
        uint16 base,
        uint16 maxP,
        uint16 minCover,
        uint256 delay
    ) internal pure returns (IYieldClasses.ClassParams memory) {
        return
            IYieldClasses.ClassParams({
                basePremiumBps: base,
                maxPremiumBps: maxP,
                minCoverBps: minCover,
                redeemDelay: uint32(delay),
                depositCap: 0
            });
    }

    // ---------------------------------------------------------------- money in

    function _depositClass(uint256 classId, uint256 amount) internal returns (uint256 shares) {
        vm.deal(depositor, depositor.balance + amount);
        vm.prank(depositor);
        shares = pool.deposit{value: amount}(classId, depositor, 0);
    }

    /// @dev Junior first so the senior cover rule holds.
    function _seed(uint256 a, uint256 b, uint256 c) internal {
        if (c != 0) _depositClass(2, c);
        if (b != 0) _depositClass(1, b);
        if (a != 0) _depositClass(0, a);
    }

    /// @dev Deposits `n` validators into module `moduleId` only (the other modules are paused
    /// for the call), so each of its operators gets its keys in rotation order.
    function _activate(uint256 moduleId, uint256 n) internal {
        uint256 count = router.moduleCount();
        for (uint256 id; id < count; ++id) {
            if (id == moduleId) continue;
            vm.prank(pauser);
            router.setModuleStatus(id, IStakingRouter.ModuleStatus.Paused);
        }
        assertEq(_depositAll(n), n, "fixture: all validators deposited");
        for (uint256 id; id < count; ++id) {
            if (id == moduleId) continue;
            vm.prank(moduleManager);
            router.setModuleStatus(id, IStakingRouter.ModuleStatus.Active);
        }
    }

    /// @dev The usual world: A/B/C = 200/100/100 ETH; curated operators 0 and 1 and bonded
    /// operators 0 and 1 with 3 active validators (96 ETH of stake) each; 16 ETH stays buffered.
    function _standardSetup() internal {
        _standardSetup(200 ether, 100 ether, 100 ether);
    }

    /// @dev The usual operators over other class sizes (a + b + c must be ≥ 384 ETH).
    function _standardSetup(uint256 a, uint256 b, uint256 c) internal {
        _deployServices();
        _seed(a, b, c);
        _curatedOperator(curated, 3);
        _curatedOperator(curated, 3);
        _bondedOperator(3);
        _bondedOperator(3);
        _activate(0, 6);
        _activate(1, 6);
    }

    // ---------------------------------------------------------------- services

    function _svcParams(
        uint8 tier,
        uint16 maxSlashBps,
        uint16 minOperators,
        uint16 maxShareBps
    ) internal view returns (IServiceRegistry.ServiceParams memory) {
        return
            IServiceRegistry.ServiceParams({
                tier: tier,
                maxSlashBps: maxSlashBps,
                slashingWindow: SLASHING_WINDOW,
                vetoWindow: VETO_WINDOW,
                minOperators: minOperators,
                maxOperatorShareBps: maxShareBps,
                slasher: slasher,
                recipient: recipient
            });
    }

    /// @dev Registers and approves a service.
    function _service(IServiceRegistry.ServiceParams memory p) internal returns (uint256 id) {
        id = registry.registerService(p);
        vm.prank(serviceManager);
        registry.setServiceStatus(id, IServiceRegistry.ServiceStatus.Active);
    }

    function _service(uint8 tier, uint16 maxSlashBps) internal returns (uint256) {
        return _service(_svcParams(tier, maxSlashBps, 1, 10_000));
    }

    function _opKey(uint256 moduleId, uint256 operatorId) internal pure returns (uint64) {
        return uint64((moduleId << 32) | operatorId);
    }

    function _managerOf(uint256 moduleId, uint256 operatorId) internal view returns (address) {
        return
            router.getModule(moduleId).module == address(curated)
                ? curated.operatorManager(operatorId)
                : bonded.operatorManager(operatorId);
    }

    /// @dev Tops bonded operator `operatorId`'s bond up to `target` wei, paid by its manager.
    function _topUpBondTo(uint256 operatorId, uint256 target) internal {
        (uint256 bond, ) = bonded.bondOf(operatorId);
        address m = bonded.operatorManager(operatorId);
        vm.deal(m, target - bond);
        vm.prank(m);
        bonded.topUpBond{value: target - bond}(operatorId);
    }

    /// @dev The slasher's request of `bps` against (moduleId, operatorId) in `serviceId`.
    function _slashRequest(
        uint256 serviceId,
        uint256 moduleId,
        uint256 operatorId,
        uint256 bps
    ) internal returns (uint256) {
        vm.prank(slasher);
        return registry.requestSlash(serviceId, moduleId, operatorId, bps, bytes32("ev"));
    }

    function _optIn(uint256 serviceId, uint256 moduleId, uint256 operatorId) internal {
        vm.prank(_managerOf(moduleId, operatorId));
        registry.optIn(serviceId, moduleId, operatorId);
    }

    function _allocate(uint256 serviceId, uint256 amount, uint64[] memory keys) internal {
        vm.prank(allocator);
        registry.setAllocation(serviceId, amount, keys);
    }

    function _one(uint64 k) internal pure returns (uint64[] memory keys) {
        keys = new uint64[](1);
        keys[0] = k;
    }

    function _two(uint64 a, uint64 b) internal pure returns (uint64[] memory keys) {
        keys = new uint64[](2);
        keys[0] = a;
        keys[1] = b;
    }

    // ---------------------------------------------------------------- reports

    /// @dev A neutral report: every deposited validator seen at exactly 32 ETH, perf on par.
    function _neutralReport() internal view returns (IAccounting.Report memory r) {
        uint256 count = router.moduleCount();
        r.refSlot = refSlot + 1;
        r.modules = new IAccounting.ModuleReport[](count);
        for (uint256 id; id < count; ++id) {
            IStakingRouter.Module memory m = router.getModule(id);
            r.modules[id] = IAccounting.ModuleReport({
                clValidators: m.deposited,
                exited: m.exited,
                clBalance: uint128(uint256(m.deposited) * 32 ether),
                withdrawn: 0,
                perfBps: 10_000,
                slashedValidators: 0
            });
        }
    }

    function _submit(IAccounting.Report memory r) internal {
        vm.warp(block.timestamp + FRAME);
        refSlot = r.refSlot;
        vm.prank(oracle);
        accounting.handleReport(r);
    }

    function _report() internal {
        _submit(_neutralReport());
    }

    // ---------------------------------------------------------------- views

    function _navs() internal view returns (uint256 a, uint256 b, uint256 c) {
        uint256[] memory n = book.navs();
        return (n[0], n[1], n[2]);
    }

    /// @dev Invariant A, the "never above" half, with K wei of dust.
    function _assertNavWithinPooled(string memory where) internal view {
        uint256 total = book.totalNav();
        assertLe(total, accounting.pooled() + K, string.concat("sum nav <= pooled: ", where));
    }
}
